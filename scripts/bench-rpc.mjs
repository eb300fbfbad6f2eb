// `npm run bench:rpc`: RPC round trips per second and p50/p99 latency at concurrency 1, 16 and 64, for
//   1. bare amqplib request/reply over direct reply-to (the reference, same broker, same run),
//   2. @kasho/messaging's RpcClient → RpcServer (no HTTP), with the ratio to 1 (goal: ≥ 70 % everywhere),
//   3. HTTP GET /health/live on the gateway: NestJS-on-Fastify's own cost with our hooks, no RPC,
//   4. @kasho/messaging calling the auth service's system.status (a real service process touching its database),
//   5. HTTP GET /v1/status/auth through the gateway: 3's HTTP plus 4's RPC.
// The gateway adds no more than NestJS-on-Fastify's own cost when 5 − 4 ≈ 3 (compared on p50).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { assertNode24, checkInfrastructure, repoRoot } from './lib/workspace.mjs';
import { migrateAll, startServices } from './lib/stack.mjs';
import { formatRow, measureAlternating } from './bench/measure.mjs';
import { startBareRpc } from './bench/bare-amqp.mjs';
import { httpGetter } from './bench/http-client.mjs';
import { deleteStackTopology } from './lib/broker-cleanup.mjs';
import { dropDatabasesWithPrefix } from './lib/drop-databases.mjs';

assertNode24();
const missing = await checkInfrastructure();
if (missing.length) {
  for (const line of missing) console.error(line);
  process.exit(1);
}
if (spawnSync('npx', ['tsc', '-b', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0)
  process.exit(1);
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
migrateAll(() => {}, base);
const stack = await startServices({ base, write: () => {} });
const client = await Messaging.connect({ url, service: 'gateway', namespace, logger: silent() });
const gateway = `http://127.0.0.1:${base.KASHO_PORT_BASE}`;
try {
  for (const concurrency of concurrencies) {
    const [http, rpc, full] = await measureAlternating(
      [
        httpGetter(`${gateway}/health/live`, concurrency),
        () => client.rpcClient.call(systemStatusRpc('auth'), {}),
        httpGetter(`${gateway}/v1/status/auth`, concurrency),
      ],
      { concurrency, durationMs, rounds },
    );
    record('HTTP /health/live (Nest on Fastify, no RPC)', concurrency, http);
    record('RPC auth system.status (no HTTP)', concurrency, rpc);
    record('HTTP /v1/status/auth via gateway', concurrency, full);
  }
} finally {
  await stack.stop();
  await client.close();
  await deleteStackTopology(url, namespace);
  await dropDatabasesWithPrefix(base.KASHO_DB_PREFIX);
}

console.log('\n| path | concurrency | round trips/s | p50 ms | p99 ms | vs reference | errors |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(
  '\nGateway cost on p50 (HTTP /v1/status/auth − RPC system.status) beside Nest-on-Fastify alone (/health/live):',
);
for (const c of concurrencies) {
  const added =
    results[`HTTP /v1/status/auth via gateway@${c}`].p50 -
    results[`RPC auth system.status (no HTTP)@${c}`].p50;
  const nest = results[`HTTP /health/live (Nest on Fastify, no RPC)@${c}`].p50;
  console.log(`  c=${c}: gateway adds ${added.toFixed(3)} ms; Nest-on-Fastify alone ${nest.toFixed(3)} ms`);
}
process.exit(0);

function silent() {
  return { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };
}
