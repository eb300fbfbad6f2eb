// `npm run bench:ledger`: transfers per second and p50/p99 latency through the ledger's RPC interface at
// concurrency 1, 16, 64 and 256, for (a) random accounts among 10,000 funded wallets and (b) every transfer
// crediting one hot account. Each client makes one transfer per call, two ways: through `@kasho/ledger-client`
// (how services call the ledger: concurrent callers share `transfers.create-batches` messages) and as one
// `transfers.create` message per transfer. Beside them, the reference: the naive one-transfer-per-transaction SQL
// from node-postgres on its own database on the same PostgreSQL, and the ratios.
// Goal (issue 4), on the LedgerClient path: at 64 clients, ≥ 2x the reference on random accounts, ≥ 5x on the hot
// account, p99 < 50 ms.
// Only the transaction service runs, on its own database prefix and broker namespace; both are removed at the end.
// BENCH_DURATION_MS (default 3000), BENCH_ROUNDS (1), BENCH_WALLETS (10000), BENCH_CONCURRENCY ("1,16,64,256").
import { randomBytes } from 'node:crypto';
import { migrateAll, servicePort, startServices } from './lib/stack.mjs';
import { measureAlternating } from './bench/measure.mjs';
import { startNaiveLedger } from './bench/ledger-naive.mjs';
import { ledgerClientTransfer, ledgerTransfer, pickers, prepareLedger } from './bench/ledger-workload.mjs';
import { deleteStackTopology } from './lib/broker-cleanup.mjs';
import { dropDatabasesWithPrefix } from './lib/drop-databases.mjs';
import { prepareBenchmark } from './lib/bench-setup.mjs';

await prepareBenchmark();
const { Messaging } = await import('@kasho/messaging');
const { ledgerRpc } = await import('@kasho/contracts');
const { LedgerClient } = await import('@kasho/ledger-client');

const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const pgServer = process.env.KASHO_POSTGRES_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 3000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const wallets = Number(process.env.BENCH_WALLETS ?? 10_000);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,16,64,256').split(',').map(Number);
const runId = randomBytes(3).toString('hex');
const dbPrefix = `kasho_bench_ledger_${runId}_`;
const namespace = `bench.ledger.${runId}.`;
const base = {
  ...process.env,
  KASHO_DB_PREFIX: dbPrefix,
  KASHO_PORT_BASE: String(20000 + Math.floor(Math.random() * 400) * 100),
  AMQP_NAMESPACE: namespace,
  LOG_LEVEL: 'warn',
  LOG_PRETTY: 'false',
};
const log = (line) => console.error(`bench:ledger: ${line}`);

let stack;
let client;
let naive;
const rows = [];
const batchRows = [];
const results = {};
try {
  log(`migrating and starting the transaction service (databases ${dbPrefix}*, namespace ${namespace})`);
  migrateAll(() => {}, base, ['transaction']);
  stack = await startServices({ base, write: (line) => process.stderr.write(line), only: ['transaction'] });
  client = await Messaging.connect({ url: amqpUrl, service: 'gateway', namespace, logger: silent() });
  const rpc = client.rpcClient;

  log(`creating and funding ${wallets} wallets and a hot account over RPC`);
  const started = Date.now();
  const ledger = await prepareLedger({ rpc, ledgerRpc, wallets });
  log(`ledger ready in ${Date.now() - started} ms`);
  naive = await startNaiveLedger({ serverUrl: pgServer, name: `${dbPrefix}naive`, wallets });
  log('naive reference ready');

  const ledgerCall = ledgerTransfer({ rpc, ledgerRpc });
  const clientCall = ledgerClientTransfer({ ledgerClient: new LedgerClient(rpc, { timeoutMs: 30_000 }) });
  const ledgerPick = pickers(ledger.walletIds, ledger.hot);
  const naivePick = pickers(naive.walletIds, naive.hot);
  const metricsUrl = `http://127.0.0.1:${servicePort('transaction', base)}/metrics`;
  for (const workload of ['random', 'hot']) {
    for (const concurrency of concurrencies) {
      const before = await batchMetrics(metricsUrl);
      const [ours, single, reference] = await measureAlternating(
        [
          () => clientCall(...ledgerPick[workload]()),
          () => ledgerCall(...ledgerPick[workload]()),
          () => naive.transfer(...naivePick[workload]()),
        ],
        { concurrency, durationMs, rounds },
      );
      const after = await batchMetrics(metricsUrl);
      batchRows.push(batchRow(workload, concurrency, before, after));
      results[`${workload}@${concurrency}`] = { ours, reference };
      rows.push(row(workload, concurrency, ours, single, reference));
      log(rows.at(-1));
    }
  }
} finally {
  await naive?.close().catch(() => {});
  await client?.close().catch(() => {});
  await stack?.stop();
  await deleteStackTopology(amqpUrl, namespace).catch((error) => log(`broker cleanup: ${error}`));
  await dropDatabasesWithPrefix(dbPrefix, `${pgServer}/postgres`);
}

console.log(
  '\n| workload | concurrency | LedgerClient transfers/s | p50 ms | p99 ms | errors | one message per transfer: transfers/s | p50 ms | p99 ms | errors | naive SQL transfers/s | p50 ms | p99 ms | errors | LedgerClient / naive | one message / naive |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const line of rows) console.log(line);
console.log(
  '\n(naive SQL: one transaction per transfer, node-postgres pool capped at 64 connections: max_connections is 100)',
);

console.log(
  "\nWhere the ledger's time goes (its write-batch metrics over each measurement, warm-up included):",
);
console.log('\n| workload | concurrency | batches | transfers per batch | batch ms (mean) | retries |');
console.log('|---|---|---|---|---|---|');
for (const line of batchRows) console.log(line);

const goal = [];
const at64 = (workload) => results[`${workload}@64`];
if (at64('random') && at64('hot')) {
  const random = at64('random');
  const hot = at64('hot');
  const randomRatio = random.ours.perSecond / random.reference.perSecond;
  const hotRatio = hot.ours.perSecond / hot.reference.perSecond;
  goal.push(
    check(
      `LedgerClient, random accounts at 64: ${randomRatio.toFixed(2)}x the reference (goal ≥ 2x)`,
      randomRatio >= 2,
    ),
  );
  goal.push(
    check(
      `LedgerClient, hot account at 64: ${hotRatio.toFixed(2)}x the reference (goal ≥ 5x)`,
      hotRatio >= 5,
    ),
  );
  goal.push(
    check(
      `p99 at 64: random ${random.ours.p99.toFixed(1)} ms, hot ${hot.ours.p99.toFixed(1)} ms (goal < 50 ms)`,
      random.ours.p99 < 50 && hot.ours.p99 < 50,
    ),
  );
  goal.push(check('no errors at 64', random.ours.errors === 0 && hot.ours.errors === 0));
  console.log('\nGoal:');
  for (const line of goal) console.log(`- ${line.text}`);
  console.log(goal.every((line) => line.met) ? '\nGOAL MET' : '\nGOAL NOT MET');
}
process.exit(0);

function row(workload, concurrency, ours, single, reference) {
  const cells = (r) => [Math.round(r.perSecond), r.p50.toFixed(2), r.p99.toFixed(2), r.errors];
  const ratio = (r) => `${(r.perSecond / reference.perSecond).toFixed(2)}x`;
  const all = [...cells(ours), ...cells(single), ...cells(reference), ratio(ours), ratio(single)];
  return `| ${workload} | ${concurrency} | ${all.join(' | ')} |`;
}

/** The writer's histograms from the service's /metrics (summed over label sets); zeros if absent. */
async function batchMetrics(url) {
  const text = await fetch(url).then(
    (response) => response.text(),
    () => '',
  );
  const sum = (name) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    batches: sum('kasho_ledger_batch_transfers_count'),
    transfers: sum('kasho_ledger_batch_transfers_sum'),
    seconds: sum('kasho_ledger_batch_duration_seconds_sum'),
    retries: sum('kasho_ledger_batch_retries_total'),
  };
}

function batchRow(workload, concurrency, before, after) {
  const batches = after.batches - before.batches;
  const per = (value) => (batches > 0 ? value / batches : NaN);
  return `| ${workload} | ${concurrency} | ${batches} | ${per(after.transfers - before.transfers).toFixed(1)} | ${(per(after.seconds - before.seconds) * 1000).toFixed(2)} | ${after.retries - before.retries} |`;
}

function check(text, met) {
  return { text: `${met ? 'met' : 'NOT met'}: ${text}`, met };
}

function silent() {
  return { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };
}
