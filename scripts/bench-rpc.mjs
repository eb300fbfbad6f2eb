// `npm run bench:rpc`: RPC round trips per second and p50/p99 latency at concurrency 1, 16 and 64, for
//   1. bare amqplib request/reply over direct reply-to (the reference, same broker, same run),
//   2. @kasho/messaging's RpcClient → RpcServer (no HTTP), with the ratio to 1 (goal: ≥ 70 % everywhere),
//   3. @kasho/messaging calling the auth service's system.status (a real service process touching its database),
//   4. HTTP GET /status/auth on plain NestJS-on-Fastify (nothing of Kasho's around it) making 3's RPC: what the
//      framework itself costs on top of the RPC,
//   5. HTTP GET /v1/status/auth through the real gateway (hooks, guards, tracing, metrics, rate limits, logging).
// Goal (issue 2): the gateway adds no more than NestJS-on-Fastify's own cost: what the gateway costs beyond plain
// NestJS-on-Fastify (5 − 4) is at most what NestJS-on-Fastify costs beyond the RPC itself (4 − 3), on p50 at every
// concurrency and in CPU per request; and 2 is at least 70 % of 1 at every concurrency.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from './lib/workspace.mjs';
import { migrateAll, startServices } from './lib/stack.mjs';
import { formatRow, measureAlternating } from './bench/measure.mjs';
import { startBareRpc } from './bench/bare-amqp.mjs';
import { httpGetter } from './bench/http-client.mjs';
import { deleteStackTopology } from './lib/broker-cleanup.mjs';
import { dropDatabasesWithPrefix } from './lib/drop-databases.mjs';
import { prepareBenchmark } from './lib/bench-setup.mjs';
import { cpuPerCall } from './bench/process-cpu.mjs';

await prepareBenchmark();
const { Messaging } = await import('@kasho/messaging');
const { defineRpc, systemStatusRpc } = await import('@kasho/contracts');

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
// Both RPC servers in rows 1 and 2 take the same number of unacknowledged requests at once.
const prefetch = 128;
const concurrencies = [1, 16, 64];
const runId = randomBytes(3).toString('hex');
const namespace = `bench.${runId}.`;
const rows = [];
const results = {};
const cpuRows = [];
const cpu = {};
const record = (label, concurrency, result, reference) => {
  results[`${label}@${concurrency}`] = result;
  rows.push(formatRow(label, concurrency, result, reference));
  console.error(rows.at(-1));
};

// 1 and 2: in one process, client and server on separate connections, like the reference.
const bare = await startBareRpc(url, `${namespace}bare`, prefetch);
const echo = defineRpc('auth', 'bench.echo');
const echoNamespace = `${namespace}echo.`;
const server = await Messaging.connect({
  url,
  service: 'auth',
  namespace: echoNamespace,
  prefetch,
  logger: silent(),
});
server.rpcServer.handle(echo, (request) => request);
await server.start();
const echoClient = await Messaging.connect({
  url,
  service: 'gateway',
  namespace: echoNamespace,
  logger: silent(),
});
for (const concurrency of concurrencies) {
  const [reference, library] = await measureAlternating(
    [bare.call, () => echoClient.rpcClient.call(echo, {})],
    {
      concurrency,
      durationMs,
      rounds,
    },
  );
  record('bare amqplib (reference)', concurrency, reference);
  record('@kasho/messaging RPC', concurrency, library, reference);
}
await bare.close();
await echoClient.close();
await server.close();
await server.deleteTopology();

// 3 to 5: the real services as processes, on their own databases, ports and broker names.
const base = {
  ...process.env,
  KASHO_DB_PREFIX: `kasho_bench_${runId}_`,
  KASHO_PORT_BASE: String(20000 + Math.floor(Math.random() * 400) * 100),
  AMQP_NAMESPACE: namespace,
  LOG_LEVEL: 'warn',
  LOG_PRETTY: 'false',
  // The load comes from one address: lift the per-IP limit (its Redis check still runs on every request).
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
};
migrateAll(() => {}, base, ['auth']);
const stack = await startServices({ base, write: () => {}, only: ['auth', 'gateway'] });
const client = await Messaging.connect({ url, service: 'gateway', namespace, logger: silent() });
const gateway = `http://127.0.0.1:${base.KASHO_PORT_BASE}`;
const plainPort = Number(base.KASHO_PORT_BASE) + 90;
const plain = await startPlainNest(plainPort);
try {
  for (const concurrency of concurrencies) {
    const [rpc, nest, full] = await measureAlternating(
      [
        () => client.rpcClient.call(systemStatusRpc('auth'), {}),
        httpGetter(`http://127.0.0.1:${plainPort}/status/auth`, concurrency),
        httpGetter(`${gateway}/v1/status/auth`, concurrency),
      ],
      { concurrency, durationMs, rounds },
    );
    record('RPC auth system.status (no HTTP)', concurrency, rpc);
    record('HTTP /status/auth on plain Nest-on-Fastify (reference)', concurrency, nest);
    record('HTTP /v1/status/auth via the gateway', concurrency, full, nest);
  }
  // CPU per request by process (from /proc): what the gateway's own work costs, beside what plain
  // NestJS-on-Fastify costs for the same call and what the RPC client alone costs (this process making the call
  // without HTTP). Five rounds of 2,000 requests, the three ways alternating, each figure the median of its rounds:
  // one round can land on a moment when the machine is busy elsewhere.
  const pid = (name) => stack.children.find((entry) => entry.name === name).child.pid;
  const ways = [
    ['rpcClient', () => client.rpcClient.call(systemStatusRpc('auth'), {}), { own: process.pid }],
    [
      'plain',
      httpGetter(`http://127.0.0.1:${plainPort}/status/auth`, 16),
      { own: plain.pid, auth: pid('auth') },
    ],
    ['gateway', httpGetter(`${gateway}/v1/status/auth`, 16), { own: pid('gateway'), auth: pid('auth') }],
  ];
  const samples = Object.fromEntries(ways.map(([key]) => [key, { own: [], auth: [] }]));
  for (let round = 0; round < 5; round += 1) {
    for (const [key, call, pids] of ways) {
      const measured = await cpuPerCall(call, { count: 2000, concurrency: 16 }, pids);
      samples[key].own.push(measured.own);
      if (measured.auth !== undefined) samples[key].auth.push(measured.auth);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [key] of ways) cpu[key] = median(samples[key].own);
  cpuRows.push(`| the RPC client alone (this process, no HTTP) | ${cpu.rpcClient.toFixed(0)} | — |`);
  cpuRows.push(
    `| plain Nest-on-Fastify | ${cpu.plain.toFixed(0)} | ${median(samples.plain.auth).toFixed(0)} |`,
  );
  cpuRows.push(`| gateway | ${cpu.gateway.toFixed(0)} | ${median(samples.gateway.auth).toFixed(0)} |`);
} finally {
  plain.kill('SIGTERM');
  await stack.stop();
  await client.close();
  await deleteStackTopology(url, namespace);
  await dropDatabasesWithPrefix(base.KASHO_DB_PREFIX);
}

console.log('\n| path | concurrency | round trips/s | p50 ms | p99 ms | vs reference | errors |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
const verdicts = [];
const verdict = (met, text) => {
  verdicts.push(met);
  console.log(`- ${met ? 'met' : 'NOT met'}: ${text}`);
};
console.log('\nCPU per request at concurrency 16 (µs, from /proc; median of 5 alternating rounds of 2,000):');
console.log('\n| process | its CPU µs per request | auth service CPU µs per request |');
console.log('|---|---|---|');
for (const row of cpuRows) console.log(row);

console.log('\nGoal:');
for (const c of concurrencies) {
  const library =
    results[`@kasho/messaging RPC@${c}`].perSecond / results[`bare amqplib (reference)@${c}`].perSecond;
  verdict(
    library >= 0.7,
    `c=${c}: the library's RPC at ${(library * 100).toFixed(0)} % of bare amqplib (≥ 70 %)`,
  );
}
for (const c of concurrencies) {
  const rpc = results[`RPC auth system.status (no HTTP)@${c}`].p50;
  const nest = results[`HTTP /status/auth on plain Nest-on-Fastify (reference)@${c}`].p50;
  const gateway = results[`HTTP /v1/status/auth via the gateway@${c}`].p50;
  verdict(
    gateway - nest <= nest - rpc,
    `c=${c}, p50: the gateway adds ${(gateway - nest).toFixed(3)} ms to plain NestJS-on-Fastify, whose own cost ` +
      `beyond the RPC is ${(nest - rpc).toFixed(3)} ms`,
  );
}
verdict(
  cpu.gateway - cpu.plain <= cpu.plain - cpu.rpcClient,
  `CPU per request: the gateway adds ${(cpu.gateway - cpu.plain).toFixed(0)} µs to plain NestJS-on-Fastify, whose ` +
    `own cost beyond the RPC client's ${cpu.rpcClient.toFixed(0)} µs is ${(cpu.plain - cpu.rpcClient).toFixed(0)} µs`,
);
console.log(verdicts.every(Boolean) ? '\nGOAL MET' : '\nGOAL NOT MET');
process.exit(0);

/** Plain NestJS-on-Fastify with the same RPC, as its own process like the gateway; resolves once it listens. */
async function startPlainNest(port) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/bench/plain-nest-rpc.cjs')], {
    cwd: repoRoot,
    env: { ...process.env, HTTP_PORT: String(port), AMQP_NAMESPACE: namespace },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => line === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`plain Nest reference exited with ${code}`)));
  });
  return child;
}

function silent() {
  return { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };
}
