import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { TEST_AMQP_URL, TEST_POSTGRES_URL } from '@kasho/testing';

// The README's start command, end to end: the stack script boots all six compiled services as processes (on
// their own databases, ports and broker names), GET /v1/status reports every one, a killed service shows as down
// within the RPC deadline, and Ctrl-C stops everything cleanly.

const repoRoot = path.resolve(__dirname, '../../..');
const runId = randomBytes(3).toString('hex');
const dbPrefix = `kasho_e2e_${runId}_`;
const namespace = `t.e2e.${runId}.`;
// Six consecutive ports below Linux's ephemeral range (32768+), where outgoing connections never take them.
const portBase = 20000 + Math.floor(Math.random() * 120) * 100;
const gateway = `http://127.0.0.1:${portBase}`;
const rpcTimeoutMs = 1500;
const releaseVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

interface StatusBody {
  status: string;
  services: Array<{
    name: string;
    status: string;
    version: string | null;
    roundTripMs: number | null;
    error?: string;
  }>;
}

let stack: ChildProcessWithoutNullStreams;
let output = '';
const pids = new Map<string, number>();

/** Resolves once the stack's output matches; rejects if it exits or times out first, leaving no timer behind. */
function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stack.stdout.off('data', check);
      stack.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const check = (): void => {
      if (pattern.test(output)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`stack exited with ${code}; output:\n${output}`));
    const timer = setTimeout(
      () => finish(new Error(`timed out waiting for ${pattern}; output:\n${output}`)),
      timeoutMs,
    );
    stack.stdout.on('data', check);
    stack.on('exit', onExit);
    check();
  });
}

async function getStatus(): Promise<{ status: number; body: StatusBody; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${gateway}/v1/status`);
  return { status: response.status, body: (await response.json()) as StatusBody, ms: Date.now() - started };
}

beforeAll(async () => {
  stack = spawn(process.execPath, [path.join(repoRoot, 'scripts/stack.mjs')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KASHO_SKIP_BUILD: 'true',
      KASHO_DB_PREFIX: dbPrefix,
      KASHO_PORT_BASE: String(portBase),
      AMQP_NAMESPACE: namespace,
      RPC_TIMEOUT_MS: String(rpcTimeoutMs),
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
    },
  });
  stack.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const match of output.matchAll(/^(\w+)\s+\| started \(pid (\d+)/gm))
      pids.set(match[1], Number(match[2]));
  });
  stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(/all six services are ready/, 120_000);
}, 130_000);

afterAll(async () => {
  if (stack.exitCode === null) {
    stack.kill('SIGKILL');
  }
  for (const pid of pids.values()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [`${dbPrefix}%`],
  );
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
  const connection = await connect(TEST_AMQP_URL);
  const channel = await connection.createChannel();
  for (const service of ['auth', 'account', 'transaction', 'payment', 'notification']) {
    await channel.deleteQueue(`${namespace}rpc.${service}`);
  }
  await channel.deleteExchange(`${namespace}kasho.rpc`);
  await channel.deleteExchange(`${namespace}kasho.events`);
  await connection.close();
});

describe('the local stack', () => {
  it('reports all six services up over RabbitMQ RPC', async () => {
    const { status, body } = await getStatus();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.services.map((s) => s.name)).toEqual([
      'gateway',
      'auth',
      'account',
      'transaction',
      'payment',
      'notification',
    ]);
    for (const service of body.services) {
      expect(service).toMatchObject({ status: 'up', version: releaseVersion });
      expect(service.roundTripMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('serves its OpenAPI document, echoes a valid request id and answers unknown routes with problem+json', async () => {
    const openapi = (await (await fetch(`${gateway}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toContain('/v1/status');

    const echoed = await fetch(`${gateway}/v1/status`, { headers: { 'x-request-id': 'client-req.42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req.42');

    const missing = await fetch(`${gateway}/v1/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await missing.json()).toMatchObject({ status: 404, code: 'route_not_found' });
  });

  it('shows a killed service as down within the deadline instead of hanging', async () => {
    const pid = pids.get('transaction');
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await waitForOutput(/transaction\s+\| exited/, 10_000).catch(() => undefined);

    const { status, body, ms } = await getStatus();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.services.find((s) => s.name === 'transaction')).toMatchObject({
      status: 'down',
      error: 'upstream_timeout',
    });
    expect(body.services.filter((s) => s.status === 'up')).toHaveLength(5);
    expect(ms).toBeLessThan(rpcTimeoutMs + 1000);
  });
});

describe('stopping the stack', () => {
  it('stops every service gracefully on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const name of ['gateway', 'auth', 'account', 'payment', 'notification']) {
      expect(output).toMatch(new RegExp(`^${name}\\s+\\| exited \\(code 0\\)`, 'm'));
    }
    expect(output).toContain('stack: stopped');
  }, 40_000);
});

describe('starting without the infrastructure', () => {
  it('says which dependency is unreachable and how to start it', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/stack.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, KASHO_SKIP_BUILD: 'true', AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('RabbitMQ is not reachable on 127.0.0.1:1');
    expect(result.stderr).toContain('rabbitmq-server -detached');
    expect(result.stderr).not.toContain('PostgreSQL');
  });
});
