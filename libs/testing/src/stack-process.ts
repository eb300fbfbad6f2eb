import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { EVENT_CONSUMERS } from '@kasho/contracts';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from './test-database';
import { TEST_AMQP_URL } from './test-namespace';

const BACKEND_SERVICES = ['auth', 'account', 'transaction', 'payment', 'notification'] as const;
// The messaging library's defaults: each consumer has a wait queue per retry delay and a parking lot.
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

export interface StackProcessOptions {
  /** Services to run (`KASHO_SERVICES`); all six when omitted. */
  services?: string[];
  /** Extra environment for every service (RPC deadlines, limits loosened for a test). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** The local stack script (`npm start`'s) running as a child process on its own databases, ports and broker names. */
export interface StackProcess {
  process: ChildProcessWithoutNullStreams;
  gatewayUrl: string;
  /** Everything the stack and its services printed so far. */
  output(): string;
  /** Process ids of the services, by name, as the stack reported them. */
  pids: Map<string, number>;
  /** The environment a service of this stack runs with (for its command-line tools). */
  serviceEnv(service: string): NodeJS.ProcessEnv;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Kills whatever still runs and removes the run's databases and broker names. */
  destroy(): Promise<void>;
}

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Starts `scripts/stack.mjs` (already built: KASHO_SKIP_BUILD) for an end-to-end test and resolves once every
 * service it runs is ready. Ports are picked below Linux's ephemeral range so outgoing connections never hold them.
 */
export async function startStackProcess(options: StackProcessOptions = {}): Promise<StackProcess> {
  const runId = randomBytes(3).toString('hex');
  const dbPrefix = `kasho_e2e_${runId}_`;
  const namespace = `t.e2e.${runId}.`;
  const portBase = 20000 + Math.floor(Math.random() * 120) * 100;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KASHO_SKIP_BUILD: 'true',
    KASHO_DB_PREFIX: dbPrefix,
    KASHO_PORT_BASE: String(portBase),
    AMQP_NAMESPACE: namespace,
    LOG_PRETTY: 'false',
    LOG_LEVEL: 'warn',
    ...(options.services ? { KASHO_SERVICES: options.services.join(',') } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/stack.mjs')], { cwd: REPO_ROOT, env });
  let output = '';
  const pids = new Map<string, number>();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const match of output.matchAll(/^(\w+)\s+\| started \(pid (\d+)/gm))
      pids.set(match[1], Number(match[2]));
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const waitForOutput = (pattern: RegExp, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        child.stdout.off('data', check);
        child.off('exit', onExit);
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
      child.stdout.on('data', check);
      child.on('exit', onExit);
      check();
    });

  const destroy = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of pids.values()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await dropDatabases(dbPrefix);
    await deleteBrokerNames(namespace);
  };

  const stack: StackProcess = {
    process: child,
    gatewayUrl: `http://127.0.0.1:${portBase}`,
    output: () => output,
    pids,
    serviceEnv: (service) => ({
      ...env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbPrefix}${service}`,
      REDIS_KEY_PREFIX: `${namespace}kasho:${service}:`,
      SESSION_REVOCATION_KEY_PREFIX: `${namespace}kasho:revoked-session:`,
    }),
    waitForOutput,
    destroy,
  };
  try {
    await waitForOutput(/^stack: .* ready$/m, options.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await destroy();
    throw error;
  }
  return stack;
}

async function dropDatabases(prefix: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Deletes what the services of a test namespace declare on the broker (RPC queues, consumer queues with their
 * retry and parking-lot queues, the exchanges): for tests and benchmarks that run service processes themselves.
 */
export async function deleteBrokerNames(namespace: string, url = TEST_AMQP_URL): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (const service of BACKEND_SERVICES) {
      await channel.deleteQueue(`${namespace}rpc.${service}`);
      // Consumer queues are durable quorum queues: left behind, every run would leave its queues to the broker.
      for (const consumer of EVENT_CONSUMERS[service] ?? []) {
        const queue = `${namespace}${service}.${consumer}`;
        await channel.deleteQueue(queue);
        await channel.deleteQueue(`${queue}.parking-lot`);
        for (const delayMs of RETRY_DELAYS_MS) await channel.deleteQueue(`${queue}.retry.${delayMs}ms`);
      }
    }
    await channel.deleteExchange(`${namespace}kasho.rpc`);
    await channel.deleteExchange(`${namespace}kasho.events`);
  } finally {
    await connection.close();
  }
}
