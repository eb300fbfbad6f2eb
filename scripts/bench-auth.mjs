// `npm run bench:auth`: what identity costs, in one run, through the real gateway and auth service processes:
//   1. authenticated requests/s and p50/p99 on a cheap protected route (token verified, revocation and per-user
//      limit checked in Redis), beside the same route made public (the reference): the ratio is authentication's
//      cost;
//   2. logins per second through the gateway (argon2id-bound: m=19 MiB, t=2 on this 2-core machine).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { repoRoot } from './lib/workspace.mjs';
import { migrateAll, startServices } from './lib/stack.mjs';
import { formatRow, measureAlternating } from './bench/measure.mjs';
import { deleteStackTopology } from './lib/broker-cleanup.mjs';
import { dropDatabasesWithPrefix } from './lib/drop-databases.mjs';
import { prepareBenchmark } from './lib/bench-setup.mjs';

await prepareBenchmark();

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const runId = randomBytes(3).toString('hex');
const namespace = `bench.${runId}.`;
const base = {
  ...process.env,
  KASHO_DB_PREFIX: `kasho_bench_${runId}_`,
  KASHO_PORT_BASE: String(20000 + Math.floor(Math.random() * 400) * 100),
  AMQP_NAMESPACE: namespace,
  LOG_LEVEL: 'warn',
  LOG_PRETTY: 'false',
  // One client address and one user make all the load: lift their limits (the Redis checks still run).
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_USER_PER_MINUTE: '1000000',
};
const gateway = `http://127.0.0.1:${base.KASHO_PORT_BASE}`;
const rows = [];
const results = {};
const agents = {};
const record = (label, concurrency, result, reference) => {
  results[`${label}@${concurrency}`] = result;
  rows.push(formatRow(label, concurrency, result, reference));
  console.error(rows.at(-1));
};

migrateAll(() => {}, base, ['auth']);
const stack = await startServices({
  base,
  write: () => {},
  only: ['auth', 'gateway'],
  entries: { gateway: path.join(repoRoot, 'scripts/bench/probe-gateway.cjs') },
});
try {
  const email = `bench-${runId}@example.com`;
  const password = `correct horse ${runId} battery staple`;
  await postJson('/v1/auth/register', { email, password, fullName: 'Bench User' }, 201);
  const { accessToken } = await postJson('/v1/auth/login', { email, password }, 200);
  const bearer = { authorization: `Bearer ${accessToken}` };

  for (const concurrency of [1, 16, 64]) {
    const [open, authenticated] = await measureAlternating(
      [getter('/v1/bench/public', {}, concurrency), getter('/v1/bench/protected', bearer, concurrency)],
      { concurrency, durationMs, rounds },
    );
    record('GET /v1/bench/public (reference)', concurrency, open);
    record('GET /v1/bench/protected (bearer token)', concurrency, authenticated, open);
  }
  for (const concurrency of [1, 2, 4]) {
    const [logins] = await measureAlternating(
      [() => postJson('/v1/auth/login', { email, password }, 200, concurrency)],
      { concurrency, durationMs: Math.max(durationMs, 3000), rounds: 1 },
    );
    record('POST /v1/auth/login', concurrency, logins);
  }
} finally {
  await stack.stop();
  await deleteStackTopology(url, namespace);
  await dropDatabasesWithPrefix(base.KASHO_DB_PREFIX);
}

console.log('\n| path | concurrency | requests/s | p50 ms | p99 ms | vs reference | errors |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0);

function agentFor(concurrency) {
  agents[concurrency] ??= new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return agents[concurrency];
}

function getter(pathName, headers, concurrency) {
  const agent = agentFor(concurrency);
  return () =>
    new Promise((resolve, reject) => {
      http
        .get(`${gateway}${pathName}`, { agent, headers }, (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
          );
        })
        .on('error', reject);
    });
}

function postJson(pathName, body, expected, concurrency = 1) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${gateway}${pathName}`,
      {
        method: 'POST',
        agent: agentFor(concurrency),
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== expected)
            reject(new Error(`${pathName}: HTTP ${response.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
