// What every benchmark does first: refuse any Node but 24, say which infrastructure is missing, build the tree.
import { spawnSync } from 'node:child_process';
import { assertNode24, checkInfrastructure, repoRoot } from './workspace.mjs';

export async function prepareBenchmark() {
  assertNode24();
  const missing = await checkInfrastructure();
  if (missing.length) {
    for (const line of missing) console.error(line);
    process.exit(1);
  }
  if (spawnSync('npx', ['tsc', '-b', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0)
    process.exit(1);
}
