import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type CreateTransfer, ledgerRpc, type TransferResult } from '@kasho/contracts';
import { Messaging } from '@kasho/messaging';
import {
  createTestDatabase,
  createTestNamespace,
  deleteBrokerNames,
  freePort,
  REPO_ROOT,
  TEST_AMQP_URL,
  type TestDatabase,
} from '@kasho/testing';
import { DataSource } from 'typeorm';
import { ledgerEventId } from '../src/ledger/events/ledger-events';
import { verifyLedger } from '../src/ledger/verify/verify-ledger';
import { assertLedgerInvariants, captureTransferEvents, single } from './ledger-harness';

// The built service as a child process (dist/main.js: run `npx tsc -b` first), killed with SIGKILL while batches
// are in flight, then started again: retrying the same ids loses nothing and doubles nothing, every transfer's
// event reaches a consumer (published after its commit, or read back by the relay after the restart) under one id,
// and a pending transfer whose timeout passes while the service is down is voided once after the restart.

const MAIN = path.join(REPO_ROOT, 'services/transaction/dist/main.js');

let database: TestDatabase;
let namespace: string;
let port: number;
let child: ChildProcess | undefined;
let client: Messaging;
let dataSource: DataSource;
let events: Awaited<ReturnType<typeof captureTransferEvents>>;

async function startChild(): Promise<void> {
  const proc = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: database.url,
      AMQP_NAMESPACE: namespace,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      LEDGER_EXPIRY_INTERVAL_MS: '200',
      // The relay takes over events left unpublished by the killed process after this long.
      LEDGER_OUTBOX_FALLBACK_DELAY_MS: '500',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child = proc;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the service exited with ${proc.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error('the service did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kill(): Promise<void> {
  const proc = child;
  child = undefined;
  if (!proc || proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

function create(transfers: CreateTransfer[], timeoutMs = 10_000): Promise<TransferResult[]> {
  return client.rpcClient
    .call(ledgerRpc.createTransfers, { transfers }, { timeoutMs })
    .then((r) => r.results);
}

async function account(type: 'customer_wallet' | 'settlement'): Promise<string> {
  const id = randomUUID();
  const { results } = await client.rpcClient.call(ledgerRpc.createAccounts, {
    accounts: [
      {
        id,
        type,
        currency: 'EUR',
        flags: { debitsMustNotExceedCredits: type === 'customer_wallet', creditsMustNotExceedDebits: false },
      },
    ],
  });
  expect(results[0].result).toBe('created');
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase('ledger_crash');
  namespace = createTestNamespace('ledger-crash');
  port = await freePort();
  client = new Messaging({ url: TEST_AMQP_URL, service: 'payment', namespace });
  await client.connect();
  await startChild();
  events = await captureTransferEvents(TEST_AMQP_URL, namespace);
  dataSource = new DataSource({ type: 'postgres', url: database.url });
  await dataSource.initialize();
}, 60_000);

afterAll(async () => {
  await events?.close();
  await kill();
  await dataSource?.destroy();
  await client?.deleteTopology().catch(() => undefined);
  await client?.close();
  // The killed service's own queues (its RPC queue) are not the client's to delete.
  await deleteBrokerNames(namespace).catch(() => undefined);
  await database?.drop();
});

it('loses and doubles nothing when killed mid-batch; a pending transfer due while down expires once', async () => {
  const settlement = await account('settlement');
  const wallets = [await account('customer_wallet'), await account('customer_wallet')];
  const hot = await account('customer_wallet');
  for (const wallet of wallets) {
    const [funded] = await create([single(randomUUID(), settlement, wallet, 1_000_000n)]);
    expect(funded.result).toBe('created');
  }
  const pendingId = randomUUID();
  const [hold] = await create([
    { ...single(pendingId, wallets[0], hot, 500n), kind: 'pending', timeoutSeconds: 2 },
  ]);
  expect(hold.result).toBe('created');

  // 300 requests of 10 transfers each, all in flight when the process dies.
  const requests = Array.from({ length: 300 }, (_, r) =>
    Array.from({ length: 10 }, (_, t) => single(randomUUID(), wallets[(r + t) % 2], hot, BigInt(1 + t))),
  );
  let answered = 0;
  const before = requests.map((transfers) =>
    create(transfers, 5_000).then(
      (results) => {
        answered += 1;
        return results;
      },
      () => undefined,
    ),
  );
  // Kill once the first batches have committed, while the rest are queued or being written.
  const killBy = Date.now() + 5_000;
  while (answered === 0 && Date.now() < killBy) await new Promise((resolve) => setTimeout(resolve, 5));
  await kill();
  expect(answered).toBeGreaterThan(0);
  expect(answered).toBeLessThan(requests.length);
  const answeredBefore = await Promise.all(before);
  const createdBefore = new Set(
    answeredBefore.flatMap(
      (results) => results?.filter((r) => r.result === 'created').map((r) => r.id) ?? [],
    ),
  );

  await new Promise((resolve) => setTimeout(resolve, 2_000)); // the hold's timeout passes while the service is down
  await startChild();
  const answeredAfter = await Promise.all(requests.map((transfers) => create(transfers, 20_000)));
  for (const results of answeredAfter) {
    for (const result of results) {
      expect(['created', 'exists']).toContain(result.result);
      if (createdBefore.has(result.id)) expect(result.result).toBe('exists');
    }
  }
  const ids = requests.flat().map((t) => t.id);
  const [{ count }] = await dataSource.query<Array<{ count: string }>>(
    'SELECT count(*) FROM "transfers" WHERE "id" = ANY($1::uuid[])',
    [ids],
  );
  expect(Number(count)).toBe(ids.length);
  const [hotRow] = await dataSource.query<Array<{ credits_posted: string }>>(
    'SELECT "credits_posted" FROM "ledger_accounts" WHERE "id" = $1',
    [hot],
  );
  const total = requests.flat().reduce((sum, t) => sum + BigInt(t.amount!), 0n);
  expect(BigInt(hotRow.credits_posted)).toBe(total);

  // The expiry job of the restarted process voids the hold, once.
  const deadline = Date.now() + 10_000;
  let expired: unknown[] = [];
  while (expired.length === 0 && Date.now() < deadline) {
    expired = await dataSource.query(
      `SELECT "id" FROM "transfers" WHERE "pending_id" = $1 AND "kind" = 'expire_pending'`,
      [pendingId],
    );
    if (expired.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(expired).toHaveLength(1);
  const [status] = await dataSource.query<Array<{ status: string }>>(
    'SELECT "status" FROM "pending_transfers" WHERE "id" = $1',
    [pendingId],
  );
  expect(status.status).toBe('expired');

  // Every transfer's event arrived, each under the one id derived from its transfer: a copy published before the
  // kill and republished from its batch's outbox row after the restart is a duplicate a consumer's inbox drops.
  const eventDeadline = Date.now() + 15_000;
  const eventIds = (): Map<string, Set<string>> => {
    const byTransfer = new Map<string, Set<string>>();
    for (const event of events.events) {
      const seen = byTransfer.get(event.payload.transfer.id) ?? new Set<string>();
      seen.add(event.id);
      byTransfer.set(event.payload.transfer.id, seen);
    }
    return byTransfer;
  };
  while (ids.some((id) => !eventIds().has(id)) && Date.now() < eventDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const delivered = eventIds();
  expect(ids.filter((id) => !delivered.has(id))).toEqual([]);
  for (const id of ids) expect([...(delivered.get(id) ?? [])]).toEqual([ledgerEventId(id)]);
  const [{ unpublished }] = await dataSource.query<Array<{ unpublished: number }>>(
    'SELECT count(*)::int AS "unpublished" FROM "outbox_messages" WHERE "published_at" IS NULL',
  );
  expect(unpublished).toBe(0);

  await assertLedgerInvariants(dataSource);
  const verification = await verifyLedger(dataSource);
  expect(verification.chain.ok).toBe(true);
  expect(verification.balanced).toBe(true);
  // eslint-disable-next-line no-console -- shows the test really killed batches in flight
  console.log(
    `crash: ${createdBefore.size} of ${ids.length} transfers were answered before the kill; ` +
      `${events.events.length} transfer events delivered for ${delivered.size} transfers`,
  );
}, 90_000);
