import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import type { LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ServiceName } from '@kasho/contracts';
import { createTestDatabase, TEST_AMQP_URL, type TestDatabase } from '@kasho/testing';
import {
  AddMessagingRetentionIndexes1764300000000,
  CreateMessagingTables1764200000000,
  MESSAGING_ENTITIES,
  type Messaging,
  type MessagingOptions,
} from '../../src';

const run = promisify(execFile);

export interface LogLine {
  level: 'log' | 'warn' | 'error' | 'debug' | 'verbose' | 'fatal';
  message: string;
}

/** Keeps log lines for assertions instead of printing them; KASHO_TEST_LOGS=1 prints them too. */
export class RecordingLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  private record(level: LogLine['level'], message: unknown): void {
    const text = String(message);
    this.lines.push({ level, message: text });
    // eslint-disable-next-line no-console -- opt-in debugging output for a test run
    if (process.env.KASHO_TEST_LOGS === '1') console.log(`[${level}] ${text}`);
  }

  log(message: unknown): void {
    this.record('log', message);
  }
  warn(message: unknown): void {
    this.record('warn', message);
  }
  error(message: unknown): void {
    this.record('error', message);
  }
  debug(message: unknown): void {
    this.record('debug', message);
  }
  verbose(message: unknown): void {
    this.record('verbose', message);
  }
  fatal(message: unknown): void {
    this.record('fatal', message);
  }

  messages(level: LogLine['level']): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}

/** Options for a test instance: isolated names, short delays and timeouts, quiet logs. */
export function testOptions(
  namespace: string,
  service: ServiceName,
  overrides: Partial<MessagingOptions> = {},
): MessagingOptions {
  return {
    url: TEST_AMQP_URL,
    service,
    namespace,
    connectionName: `${namespace}${service}.${randomBytes(3).toString('hex')}`,
    logger: new RecordingLogger(),
    retry: { delaysMs: [50, 100, 200] },
    rpcTimeoutMs: 2_000,
    publishTimeoutMs: 5_000,
    connectTimeoutMs: 5_000,
    shutdownTimeoutMs: 3_000,
    parkingLotSampleIntervalMs: 0,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    outbox: { pollIntervalMs: 50 },
    ...overrides,
  };
}

/** Stops the instances, deletes what they declared, closes them: leaves the shared broker as it was. */
export async function teardown(...instances: Array<Messaging | undefined>): Promise<void> {
  for (const messaging of instances) {
    if (!messaging) continue;
    await messaging.shutdown();
    await messaging.deleteTopology();
    await messaging.close();
  }
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  label: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A plain amqplib connection for looking at queues from the outside. */
export class BrokerProbe {
  private constructor(
    private readonly model: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<BrokerProbe> {
    const model = await connect(TEST_AMQP_URL, { noDelay: true });
    const channel = await model.createChannel();
    return new BrokerProbe(model, channel);
  }

  /** Waits until `queue` has a message and takes it. */
  async take(queue: string, timeoutMs = 10_000): Promise<GetMessage> {
    let message: GetMessage | false = false;
    await waitFor(
      async () => {
        message = await this.channel.get(queue, { noAck: true });
        return message !== false;
      },
      `a message in ${queue}`,
      timeoutMs,
    );
    return message as unknown as GetMessage;
  }

  async depth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.model.close();
  }
}

/** Closes a client's AMQP connection from the broker side, as an operator or a failing node would. */
export async function closeConnectionFromBroker(
  connectionName: string,
  reason = 'test: broker-side close',
): Promise<void> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_connections',
    '--no-table-headers',
    'pid',
    'client_properties',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]);
  if (pids.length !== 1)
    throw new Error(`Expected one connection named ${connectionName}, found ${pids.length}`);
  await run('rabbitmqctl', ['-q', 'close_connection', pids[0], reason]);
}

export interface MessagingDatabase {
  database: TestDatabase;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database with the messaging tables migrated in. */
export async function createMessagingDatabase(label: string): Promise<MessagingDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: [...MESSAGING_ENTITIES],
    migrations: [CreateMessagingTables1764200000000, AddMessagingRetentionIndexes1764300000000],
    extra: { max: 20 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    database,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
