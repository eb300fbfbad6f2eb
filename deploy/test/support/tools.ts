import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../src/paths.ts';

/** Whether an executable is on the PATH (CI machines have kubectl and terraform; a laptop may not). */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `it` when the tool exists, otherwise `it.skip` with the reason in the test's name, so the run reports a skip (never
 * a pass) on a machine without it.
 */
export function itWith(binary: string): jest.It {
  return hasBinary(binary)
    ? it
    : (Object.assign(
        (name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
          it.skip(`${name} [skipped: ${binary} is not on the PATH]`, fn, timeout),
        it,
      ) as jest.It);
}

/** Runs one of deploy/scripts/*.ts on the repository's Node (its own type stripping, real ESM). */
export function runDeployScript(script: string, input: string): RunResult {
  const result = spawnSync(
    process.execPath,
    ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', `deploy/scripts/${script}`],
    { cwd: repoRoot, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
