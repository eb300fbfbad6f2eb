import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type StackProcess, startStackProcess } from '@kasho/testing';

// The README's start command, end to end: the stack script boots all six compiled services as processes (on
// their own databases, ports and broker names), GET /v1/status reports every one, a killed service shows as down
// within the RPC deadline, and Ctrl-C stops everything cleanly.

const rpcTimeoutMs = 1500;
const releaseVersion = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
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

let stack: StackProcess;

async function getStatus(): Promise<{ status: number; body: StatusBody; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${stack.gatewayUrl}/v1/status`);
  return { status: response.status, body: (await response.json()) as StatusBody, ms: Date.now() - started };
}

beforeAll(async () => {
  stack = await startStackProcess({ env: { RPC_TIMEOUT_MS: String(rpcTimeoutMs) } });
}, 130_000);

afterAll(async () => {
  await stack?.destroy();
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
    const openapi = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toContain('/v1/status');

    const echoed = await fetch(`${stack.gatewayUrl}/v1/status`, {
      headers: { 'x-request-id': 'client-req.42' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('client-req.42');

    const missing = await fetch(`${stack.gatewayUrl}/v1/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await missing.json()).toMatchObject({ status: 404, code: 'route_not_found' });
  });

  it('shows a killed service as down within the deadline instead of hanging', async () => {
    const pid = stack.pids.get('transaction');
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await stack.waitForOutput(/transaction\s+\| exited/, 10_000).catch(() => undefined);

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
    const exited = new Promise<number | null>((resolve) =>
      stack.process.once('exit', (code) => resolve(code)),
    );
    stack.process.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const name of ['gateway', 'auth', 'account', 'payment', 'notification']) {
      expect(stack.output()).toMatch(new RegExp(`^${name}\\s+\\| exited \\(code 0\\)`, 'm'));
    }
    expect(stack.output()).toContain('stack: stopped');
  }, 40_000);
});

describe('starting without the infrastructure', () => {
  it('says which dependency is unreachable and how to start it', () => {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/stack.mjs')], {
      cwd: REPO_ROOT,
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
