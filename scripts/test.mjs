// The README's test command (after `npm ci`): builds the workspace (the end-to-end suites boot the compiled
// services), runs every project's Jest suites through Nx against the real PostgreSQL, Redis and RabbitMQ,
// and ends with one plain summary line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { assertNode24, checkInfrastructure, listProjects, repoRoot } from './lib/workspace.mjs';

assertNode24();
const missing = await checkInfrastructure();
if (missing.length > 0) {
  for (const line of missing) console.error(line);
  process.exit(1);
}

const resultFile = '.jest-results.json';
for (const project of listProjects()) rmSync(path.join(project.dir, resultFile), { force: true });

const run = (command, args) =>
  spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: process.env }).status;

if (run('npx', ['tsc', '-b', 'tsconfig.json']) !== 0) {
  console.error('test: the build failed; no tests were run');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const extra = process.argv.slice(2);
const nxStatus = run('npx', [
  'nx',
  'run-many',
  '-t',
  'test',
  '--parallel=2',
  '--skip-nx-cache',
  '--outputStyle=stream',
  '--',
  `--json`,
  `--outputFile=${resultFile}`,
  ...extra,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
const failedProjects = [];
for (const project of listProjects()) {
  const file = path.join(project.dir, resultFile);
  if (!existsSync(file)) continue;
  const result = JSON.parse(readFileSync(file, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  skipped += result.numPendingTests + result.numTodoTests;
  if (!result.success) failedProjects.push(project.name);
}
if (nxStatus !== 0 && failed === 0) failed = 1; // a project that crashed before writing its results
console.log('');
if (failedProjects.length > 0) console.log(`failing projects: ${failedProjects.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(nxStatus === 0 && failed === 0 ? 0 : 1);
