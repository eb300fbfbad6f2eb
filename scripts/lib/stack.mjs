// Runs the whole platform as plain processes on this machine: builds, migrates each service's database, starts
// the six services with one combined prefixed log, waits until each is ready, and stops them all cleanly.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { readFileSync } from 'node:fs';
import { repoRoot, SERVICES } from './workspace.mjs';

const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;

const COLORS = [36, 35, 33, 32, 34, 31];
const color = (code, text) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * Per-service environment. Everything has a zero-configuration default; KASHO_DB_PREFIX, KASHO_PORT_BASE and
 * AMQP_NAMESPACE let a test run (or a second developer stack) live beside the default one.
 */
export function serviceEnvironment(service, base = process.env) {
  const dbPrefix = base.KASHO_DB_PREFIX ?? 'kasho_';
  const portBase = Number(base.KASHO_PORT_BASE ?? 3000);
  const offset = SERVICES.find((s) => s.name === service).port - 3000;
  const pgServer = base.KASHO_POSTGRES_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const namespace = base.AMQP_NAMESPACE ?? '';
  return {
    ...base,
    HTTP_PORT: String(portBase + offset),
    ...(service === 'gateway' ? {} : { DATABASE_URL: `${pgServer}/${dbPrefix}${service}` }),
    REDIS_KEY_PREFIX: `${namespace}kasho:${service}:`,
    // Written by auth, read by the gateway: one shared name per stack.
    SESSION_REVOCATION_KEY_PREFIX: `${namespace}kasho:revoked-session:`,
    SERVICE_VERSION: base.SERVICE_VERSION ?? version,
    LOG_PRETTY: base.LOG_PRETTY ?? (process.stdout.isTTY ? 'true' : 'false'),
  };
}

export function servicePort(service, base = process.env) {
  return Number(serviceEnvironment(service, base).HTTP_PORT);
}

export function build(log = console.log) {
  log('stack: building (tsc -b)');
  const result = spawnSync('npx', ['tsc', '-b', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed');
}

/** Creates each service's database if missing and runs its migrations (the services' migrate entry point). */
export function migrateAll(log = console.log, base = process.env, only = undefined) {
  for (const { name } of SERVICES) {
    if (name === 'gateway' || (only && !only.includes(name))) continue;
    log(`stack: migrating ${name}`);
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, `services/${name}/dist/migrate.js`), 'up'],
      {
        cwd: repoRoot,
        stdio: 'inherit',
        env: serviceEnvironment(name, base),
      },
    );
    if (result.status !== 0) throw new Error(`migrations of ${name} failed`);
  }
}

async function waitReady(name, port, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready on port ${port} in time`);
}

/**
 * Starts every service (or those named in `only`); resolves once all answer /health/ready. `entries` replaces a
 * service's entry point (a benchmark's gateway with an extra route).
 */
export async function startServices({
  base = process.env,
  write = (line) => process.stdout.write(line),
  readyTimeoutMs = 60000,
  only = undefined,
  entries = {},
} = {}) {
  const children = [];
  let stopping = false;
  const width = Math.max(...SERVICES.map((s) => s.name.length));
  let onCrash = () => {};
  const crashed = new Promise((_, reject) => {
    onCrash = reject;
  });
  crashed.catch(() => {});

  SERVICES.forEach(({ name }, index) => {
    if (only && !only.includes(name)) return;
    const env = serviceEnvironment(name, base);
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        ...profileArgs(name, base),
        entries[name] ?? path.join(repoRoot, `services/${name}/dist/main.js`),
      ],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const prefix = color(COLORS[index % COLORS.length], `${name.padEnd(width)} |`);
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => write(`${prefix} ${line}\n`));
    }
    child.on('exit', (code, signal) => {
      write(`${prefix} exited (${signal ?? `code ${code}`})\n`);
      if (!stopping) onCrash(new Error(`${name} exited unexpectedly (${signal ?? `code ${code}`})`));
    });
    write(`${prefix} started (pid ${child.pid}, port ${env.HTTP_PORT})\n`);
    children.push({ name, child, port: Number(env.HTTP_PORT) });
  });

  async function stop(timeoutMs = 20000) {
    stopping = true;
    const exits = children
      .filter(({ child }) => child.exitCode === null && child.signalCode === null)
      .map(({ child }) => new Promise((resolve) => child.once('exit', resolve)));
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    }, timeoutMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }

  try {
    const deadline = Date.now() + readyTimeoutMs;
    await Promise.race([
      Promise.all(children.map(({ name, port }) => waitReady(name, port, deadline))),
      crashed,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { children, stop, crashed };
}

/**
 * KASHO_CPU_PROFILE=gateway,auth writes a V8 CPU profile of those services when they exit (into
 * KASHO_CPU_PROFILE_DIR, default /tmp/kasho-profiles): Node refuses --cpu-prof in NODE_OPTIONS.
 */
function profileArgs(name, base) {
  const wanted = (base.KASHO_CPU_PROFILE ?? '').split(',').map((item) => item.trim());
  if (!wanted.includes(name)) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${base.KASHO_CPU_PROFILE_DIR ?? '/tmp/kasho-profiles'}`];
}
