// Profiles the ledger under `npm run bench:ledger`'s load: starts the transaction service itself on Node 24 with
// `--cpu-prof` (NODE_OPTIONS refuses it), drives one workload at one concurrency through the RPC interface, and
// prints where the machine's CPU went (the service, PostgreSQL, RabbitMQ, this client) per transfer. The
// .cpuprofile lands in PROFILE_DIR (default /tmp/ledger-profile); open it in Chrome DevTools or summarise it.
// PROFILE_WORKLOAD (random | hot, default random), PROFILE_CONCURRENCY (64), PROFILE_DURATION_MS (10000),
// PROFILE_PATH (client: through @kasho/ledger-client, the default | message: one transfers.create per transfer),
// BENCH_WALLETS (10000), PROFILE_SQL (statements run on the service's database after its migrations: try a schema
// change without a migration). Run: `node_modules/.bin/node scripts/bench/ledger-profile.mjs`.
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { assertNode24, checkInfrastructure, repoRoot } from '../lib/workspace.mjs';
import { migrateAll, serviceEnvironment, servicePort } from '../lib/stack.mjs';
import { measure } from './measure.mjs';
import { processCpu } from './process-cpu.mjs';
import { ledgerClientTransfer, ledgerTransfer, pickers, prepareLedger } from './ledger-workload.mjs';
import { deleteStackTopology } from '../lib/broker-cleanup.mjs';
import { dropDatabasesWithPrefix } from '../lib/drop-databases.mjs';

assertNode24();
const missing = await checkInfrastructure();
if (missing.length) {
  for (const line of missing) console.error(line);
  process.exit(1);
}
if (spawnSync('npx', ['tsc', '-b', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0)
  process.exit(1);
const { Messaging } = await import('@kasho/messaging');
const { ledgerRpc } = await import('@kasho/contracts');
const { LedgerClient } = await import('@kasho/ledger-client');

const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const pgServer = process.env.KASHO_POSTGRES_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
const workload = process.env.PROFILE_WORKLOAD ?? 'random';
const viaClient = (process.env.PROFILE_PATH ?? 'client') === 'client';
const concurrency = Number(process.env.PROFILE_CONCURRENCY ?? 64);
const durationMs = Number(process.env.PROFILE_DURATION_MS ?? 10_000);
const wallets = Number(process.env.BENCH_WALLETS ?? 10_000);
const profileDir = process.env.PROFILE_DIR ?? '/tmp/ledger-profile';
const runId = randomBytes(3).toString('hex');
const dbPrefix = `kasho_profile_ledger_${runId}_`;
const namespace = `profile.ledger.${runId}.`;
const base = {
  ...process.env,
  KASHO_DB_PREFIX: dbPrefix,
  KASHO_PORT_BASE: String(20000 + Math.floor(Math.random() * 400) * 100),
  AMQP_NAMESPACE: namespace,
  LOG_LEVEL: 'warn',
  LOG_PRETTY: 'false',
};
const log = (line) => console.error(`ledger-profile: ${line}`);

/** CPU µs (user + system) of the processes in each group `match` names, from /proc. */
function cpuOf(match) {
  const micros = {};
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const { comm, micros: used } = processCpu(pid);
      const group = match(pid, comm);
      if (group) micros[group] = (micros[group] ?? 0) + used;
    } catch {
      // gone
    }
  }
  return micros;
}

let child;
let client;
try {
  migrateAll(() => {}, base, ['transaction']);
  if (process.env.PROFILE_SQL) await runSql(`${pgServer}/${dbPrefix}transaction`, process.env.PROFILE_SQL);
  mkdirSync(profileDir, { recursive: true });
  const env = serviceEnvironment('transaction', base);
  child = spawn(
    path.join(repoRoot, 'node_modules/.bin/node'),
    ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, path.join(repoRoot, 'services/transaction/dist/main.js')],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [child.stdout, child.stderr]) {
    readline
      .createInterface({ input: stream })
      .on('line', (line) => process.stderr.write(`service | ${line}\n`));
  }
  const port = servicePort('transaction', base);
  for (let ready = false; !ready;) {
    ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  client = await Messaging.connect({ url: amqpUrl, service: 'gateway', namespace, logger: silent() });
  const ledger = await prepareLedger({ rpc: client.rpcClient, ledgerRpc, wallets });
  const call = viaClient
    ? ledgerClientTransfer({
        ledgerClient: new LedgerClient(client.rpcClient, {
          timeoutMs: 30_000,
          maxInFlight: Number(process.env.LEDGER_CLIENT_IN_FLIGHT ?? 2),
        }),
      })
    : ledgerTransfer({ rpc: client.rpcClient, ledgerRpc });
  const pick = pickers(ledger.walletIds, ledger.hot)[workload];
  await measure(() => call(...pick()), { concurrency, durationMs: 1000, warmupMs: 0 });

  const servicePid = String(child.pid);
  const groups = (pid, comm) =>
    pid === servicePid
      ? 'service'
      : pid === String(process.pid)
        ? 'client'
        : comm === 'postgres'
          ? 'postgres'
          : comm === 'beam.smp'
            ? 'rabbitmq'
            : 'other';
  const before = cpuOf(groups);
  const idleBefore = Number(readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/)[4]);
  // CLOCK_MONOTONIC in µs, the clock of the .cpuprofile's timestamps: its samples inside this window are the load.
  const windowStart = process.hrtime.bigint() / 1000n;
  const result = await measure(() => call(...pick()), { concurrency, durationMs, warmupMs: 0 });
  const windowEnd = process.hrtime.bigint() / 1000n;
  const after = cpuOf(groups);
  const idleAfter = Number(readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/)[4]);
  const transfers = result.count;
  console.log(
    `\n${workload} @ ${concurrency} (${viaClient ? 'LedgerClient' : 'one message per transfer'}): ${Math.round(result.perSecond)} transfers/s, p50 ${result.p50.toFixed(1)} ms, ` +
      `p99 ${result.p99.toFixed(1)} ms, ${result.errors} errors, ${transfers} transfers in ${durationMs} ms`,
  );
  console.log('\n| process | CPU s | % of one core | µs per transfer |');
  console.log('|---|---|---|---|');
  for (const group of ['service', 'postgres', 'rabbitmq', 'client', 'other']) {
    const seconds = ((after[group] ?? 0) - (before[group] ?? 0)) / 1e6;
    console.log(
      `| ${group} | ${seconds.toFixed(2)} | ${((seconds * 100000) / durationMs).toFixed(0)} | ` +
        `${((seconds * 1e6) / transfers).toFixed(0)} |`,
    );
  }
  console.log(`| idle (both cores) | ${((idleAfter - idleBefore) / 100).toFixed(2)} | | |`);
  console.log(`\nprofile window (µs, CLOCK_MONOTONIC): ${windowStart} ${windowEnd}; transfers ${transfers}`);
} finally {
  await client?.close().catch(() => {});
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await deleteStackTopology(amqpUrl, namespace).catch((error) => log(`broker cleanup: ${error}`));
  if (!process.env.PROFILE_KEEP_DB) await dropDatabasesWithPrefix(dbPrefix, `${pgServer}/postgres`);
  else log(`kept databases ${dbPrefix}*`);
  log(`profile in ${profileDir}`);
}
process.exit(0);

async function runSql(url, sql) {
  const { default: pg } = await import('pg');
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(sql);
    log(`ran PROFILE_SQL: ${sql}`);
  } finally {
    await db.end();
  }
}

function silent() {
  return { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };
}
