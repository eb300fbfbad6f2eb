// `npm run db:check-drift`: for every service with a database, migrates a scratch database, fails if the
// entities still differ from what the migrations built, and reverts every migration to prove they are reversible.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { assertNode24, repoRoot, SERVICES } from './lib/workspace.mjs';
import { serviceEnvironment } from './lib/stack.mjs';

assertNode24();
if (spawnSync('npx', ['tsc', '-b', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0)
  process.exit(1);
const failed = [];
for (const { name } of SERVICES) {
  if (name === 'gateway') continue;
  process.stdout.write(`${name}: `);
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, `services/${name}/dist/migrate.js`), 'check-drift'],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: serviceEnvironment(name),
    },
  );
  if (result.status !== 0) failed.push(name);
}
console.log(
  failed.length
    ? `drift check failed: ${failed.join(', ')}`
    : 'drift check: entities and migrations agree in every service',
);
process.exit(failed.length ? 1 : 0);
