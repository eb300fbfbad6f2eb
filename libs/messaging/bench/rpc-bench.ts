// RPC round trips: a bare amqplib request/reply loop (the reference) against the library's RpcClient/RpcServer,
// on the same broker, same topology (topic exchange -> classic queue, direct reply-to), same prefetch.
//
// Run from the repository root (Node 24 from node_modules, sources compiled on the fly by SWC):
//   node_modules/.bin/node --conditions=@kasho/source -r ./libs/messaging/tools/swc-register.cjs \
//     libs/messaging/bench/rpc-bench.ts
// Env: AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), RPC_BENCH_SECONDS per measurement (default 1),
// RPC_BENCH_ROUNDS (default 3). Each row alternates bare and library measurements ROUNDS times and reports the
// median of each: on a shared 2-core machine the broker, other processes and CPU frequency drift between runs,
// and back-to-back blocks would charge that drift to whichever side ran second.
import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { LoggerService } from '@nestjs/common';
import { defineRpc } from '@kasho/contracts';
import { Messaging } from '../src';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SECONDS = Number(process.env.RPC_BENCH_SECONDS ?? '1');
const ROUNDS = Number(process.env.RPC_BENCH_ROUNDS ?? '3');
const WARMUP_MS = 300;
const CONCURRENCY = [1, 16, 64];
const PREFETCH = 128;
const namespace = `bench.${randomBytes(4).toString('hex')}.`;

interface Request {
  accountId: string;
  n: number;
}
interface Response {
  accountId: string;
  balance: string;
  n: number;
}
const GetBalance = defineRpc<Request, Response>('account', 'balance.get');

const handle = (request: Request): Response => ({
  accountId: request.accountId,
  balance: '1250',
  n: request.n,
});

type Call = (n: number) => Promise<unknown>;

interface RowResult {
  perSecond: number;
  p50: number;
  p99: number;
}

/** `concurrency` loops calling back to back for SECONDS, after a warm-up; latencies in milliseconds. */
async function measure(call: Call, concurrency: number): Promise<RowResult> {
  let recording = false;
  let stop = false;
  const latencies: number[] = [];
  let n = 0;
  const worker = async (): Promise<void> => {
    while (!stop) {
      const started = performance.now();
      await call((n += 1));
      if (recording) latencies.push(performance.now() - started);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  recording = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  recording = false;
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

/** The run with the median throughput (its latencies come with it). */
function median(results: RowResult[]): RowResult {
  return [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)];
}

/** The reference: what a hand-written amqplib RPC does, and nothing more. */
class BareRpc {
  private readonly pending = new Map<string, (reply: Buffer) => void>();
  private sequence = 0;
  private readonly exchange = `${namespace}bare.rpc`;
  private readonly queue = `${namespace}bare.rpc.account`;

  private constructor(
    private readonly serverConnection: ChannelModel,
    private readonly clientConnection: ChannelModel,
    private readonly clientChannel: Channel,
    private readonly serverChannel: Channel,
  ) {}

  static async start(): Promise<BareRpc> {
    const serverConnection = await connect(AMQP_URL, { noDelay: true });
    const clientConnection = await connect(AMQP_URL, { noDelay: true });
    const serverChannel = await serverConnection.createChannel();
    const clientChannel = await clientConnection.createChannel();
    const bare = new BareRpc(serverConnection, clientConnection, clientChannel, serverChannel);
    await serverChannel.assertExchange(bare.exchange, 'topic', { durable: true });
    await serverChannel.assertQueue(bare.queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    await serverChannel.bindQueue(bare.queue, bare.exchange, 'account.#');
    await serverChannel.prefetch(PREFETCH);
    await serverChannel.consume(bare.queue, (message) => message && bare.serve(message));
    await clientChannel.consume('amq.rabbitmq.reply-to', (message) => message && bare.reply(message), {
      noAck: true,
    });
    return bare;
  }

  private serve(message: ConsumeMessage): void {
    const response = handle(JSON.parse(message.content.toString()) as Request);
    this.serverChannel.publish(
      '',
      message.properties.replyTo as string,
      Buffer.from(JSON.stringify(response)),
      {
        correlationId: message.properties.correlationId as string,
      },
    );
    this.serverChannel.ack(message);
  }

  private reply(message: ConsumeMessage): void {
    const id = message.properties.correlationId as string;
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(message.content);
  }

  call: Call = (n) =>
    new Promise<Response>((resolve) => {
      const id = String((this.sequence += 1));
      this.pending.set(id, (content) => resolve(JSON.parse(content.toString()) as Response));
      this.clientChannel.publish(
        this.exchange,
        'account.balance.get',
        Buffer.from(JSON.stringify({ accountId: 'acc-1', n })),
        { correlationId: id, replyTo: 'amq.rabbitmq.reply-to', expiration: '5000' },
      );
    });

  async close(): Promise<void> {
    await this.serverChannel.deleteQueue(this.queue);
    await this.serverChannel.deleteExchange(this.exchange);
    await this.clientConnection.close();
    await this.serverConnection.close();
  }
}

const silent: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function main(): Promise<void> {
  const bare = await BareRpc.start();
  const options = { url: AMQP_URL, namespace, prefetch: PREFETCH, logger: silent, rpcTimeoutMs: 5_000 };
  const server = new Messaging({
    ...options,
    service: 'account',
    connectionName: `${namespace}bench-server`,
  });
  server.rpcServer.handle(GetBalance, handle);
  await server.start();
  const client = await Messaging.connect({
    ...options,
    service: 'gateway',
    connectionName: `${namespace}bench-client`,
  });
  const library: Call = (n) => client.rpcClient.call(GetBalance, { accountId: 'acc-1', n });

  const rows: string[] = [];
  try {
    for (const concurrency of CONCURRENCY) {
      const references: RowResult[] = [];
      const ourRuns: RowResult[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        // Alternate who goes first, so neither side always runs on a warmer (or busier) machine.
        if (round % 2 === 0) {
          references.push(await measure(bare.call, concurrency));
          ourRuns.push(await measure(library, concurrency));
        } else {
          ourRuns.push(await measure(library, concurrency));
          references.push(await measure(bare.call, concurrency));
        }
      }
      const reference = median(references);
      const ours = median(ourRuns);
      const ratio = ours.perSecond / reference.perSecond;
      rows.push(
        `| ${concurrency} | ${Math.round(reference.perSecond)} | ${reference.p50.toFixed(3)} | ${reference.p99.toFixed(3)} ` +
          `| ${Math.round(ours.perSecond)} | ${ours.p50.toFixed(3)} | ${ours.p99.toFixed(3)} | ${(ratio * 100).toFixed(0)}% |`,
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    }
  } finally {
    await bare.close();
    await server.shutdown();
    await server.deleteTopology();
    await Promise.all([server.close(), client.close()]);
  }
  process.stdout.write(
    [
      '',
      `RPC round trips: median of ${ROUNDS} alternating runs of ${SECONDS} s (after ${WARMUP_MS} ms warm-up) per cell, ` +
        `Node ${process.version}, prefetch ${PREFETCH}`,
      '| concurrency | bare RPC/s | bare p50 ms | bare p99 ms | library RPC/s | library p50 ms | library p99 ms | library / bare |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
