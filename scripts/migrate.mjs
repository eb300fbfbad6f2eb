// `npm run migrate -- [up|down|status] [service ...]`: runs the services' migration entry points.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { assertNode24, repoRoot, SERVICES } from './lib/workspace.mjs';
import { serviceEnvironment } from './lib/stack.mjs';

assertNode24();
const [command = 'up', ...only] = process.argv.slice(2);
const targets = SERVICES.map((s) => s.name).filter(
  (name) => name !== 'gateway' && (only.length === 0 || only.includes(name)),
);
if (spawnSync('npx', ['tsc', '-b', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0)
  process.exit(1);
let failed = false;
for (const name of targets) {
  console.log(`migrate: ${name} ${command}`);
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, `services/${name}/dist/migrate.js`), command],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: serviceEnvironment(name),
    },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
