import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@kasho/config';
import {
  type Balance,
  type LedgerAccountType,
  ledgerRpc,
  type RpcContract,
  type Statement,
  type StatementLine,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Messaging, RpcClient } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createTestDatabase, createTestNamespace, freePort, type TestDatabase } from '@kasho/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { transactionEnv } from '../src/config';
import { encodeAccountsCursor, encodeStatementCursor } from '../src/ledger/reads/ledger-cursors';
import { STATEMENT_PAGE } from '../src/ledger/reads/ledger-reads.repository';

// The ledger's read RPCs over the real broker and database. The ledger is filled by a small test writer that
// stores exactly what the write path stores (a batch link, the transfer, both accounts' totals and their history
// rows), so these tests depend on the schema, not on the write path.

let database: TestDatabase;
let service: RunningService;
let rpc: RpcClient;
let dataSource: DataSource;

function call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
  return rpc.call(contract, request, { timeoutMs: 20_000 });
}

async function failure<Req, Res>(contract: RpcContract<Req, Res>, request: unknown): Promise<DomainError> {
  const error = await call(contract, request as Req).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

function pointers(error: DomainError): string[] {
  return (error.errors ?? []).map((field) => field.pointer).sort();
}

// ---- a test writer ---------------------------------------------------------------------------------------------

async function createAccount(
  type: LedgerAccountType,
  currency: string,
  debitsMustNotExceedCredits = type === 'customer_wallet',
): Promise<string> {
  const id = randomUUID();
  await dataSource.query(
    'INSERT INTO "ledger_accounts" ("id", "type", "currency", "debits_must_not_exceed_credits", ' +
      '"credits_must_not_exceed_debits", "metadata") VALUES ($1, $2, $3, $4, false, $5)',
    [id, type, currency, debitsMustNotExceedCredits, JSON.stringify({ label: 'test' })],
  );
  return id;
}

interface TestTransfer {
  kind: 'single' | 'pending' | 'post_pending' | 'void_pending';
  debit: string;
  credit: string;
  amount: bigint;
  currency: string;
  at: string;
  pendingId?: string;
  /** post_pending: the pending amount released (defaults to `amount`). */
  pendingAmount?: bigint;
  reference?: string;
}

/** Applies one transfer as the write path would, in one transaction; answers its id. */
async function apply(transfer: TestTransfer): Promise<string> {
  const id = randomUUID();
  await withTransaction(dataSource, async (manager) => {
    const [{ next }] = await manager.query<Array<{ next: string }>>(
      'SELECT coalesce(max("sequence"), 0) + 1 AS "next" FROM "ledger_batches"',
    );
    const hash = randomBytes(32);
    await manager.query(
      'INSERT INTO "ledger_batches" ("sequence", "created_at", "transfer_count", "digest", "prev_hash", "hash") ' +
        'VALUES ($1, $2, 1, $3, $3, $3)',
      [next, transfer.at, hash],
    );
    await manager.query(
      'INSERT INTO "transfers" ("id", "kind", "debit_account_id", "credit_account_id", "amount", "currency", ' +
        '"code", "pending_id", "reference", "description", "batch_sequence", "batch_index", "created_at") ' +
        "VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, 'test', $9, 0, $10)",
      [
        id,
        transfer.kind,
        transfer.debit,
        transfer.credit,
        transfer.amount.toString(),
        transfer.currency,
        transfer.pendingId ?? null,
        transfer.reference ?? `ref-${id}`,
        next,
        transfer.at,
      ],
    );
    const amount = transfer.amount.toString();
    const released = (transfer.pendingAmount ?? transfer.amount).toString();
    const [debitChange, creditChange] =
      transfer.kind === 'single'
        ? ['"debits_posted" = "debits_posted" + $2', '"credits_posted" = "credits_posted" + $2']
        : transfer.kind === 'pending'
          ? ['"debits_pending" = "debits_pending" + $2', '"credits_pending" = "credits_pending" + $2']
          : transfer.kind === 'post_pending'
            ? [
                '"debits_pending" = "debits_pending" - $3, "debits_posted" = "debits_posted" + $2',
                '"credits_pending" = "credits_pending" - $3, "credits_posted" = "credits_posted" + $2',
              ]
            : ['"debits_pending" = "debits_pending" - $3', '"credits_pending" = "credits_pending" - $3'];
    for (const [accountId, change] of [
      [transfer.debit, debitChange],
      [transfer.credit, creditChange],
    ] as const) {
      await manager.query(
        `UPDATE "ledger_accounts" SET ${change}, "last_sequence" = "last_sequence" + 1 WHERE "id" = $1` +
          (change.includes('$3') ? '' : ' AND $3::bigint IS NOT NULL'),
        [accountId, amount, released],
      );
      await manager.query(
        'INSERT INTO "balance_history" ("account_id", "sequence", "transfer_id", "debits_pending", ' +
          '"debits_posted", "credits_pending", "credits_posted", "created_at") ' +
          'SELECT "id", "last_sequence", $2, "debits_pending", "debits_posted", "credits_pending", ' +
          '"credits_posted", $3 FROM "ledger_accounts" WHERE "id" = $1',
        [accountId, id, transfer.at],
      );
    }
  });
  return id;
}

const T = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

// ---- set-up ----------------------------------------------------------------------------------------------------

beforeAll(async () => {
  database = await createTestDatabase('ledger_reads');
  const config = loadConfig(transactionEnv, {
    AMQP_NAMESPACE: createTestNamespace('ledger-reads'),
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
  });
  service = await startService({ service: 'transaction', config, module: AppModule.forRoot(config) });
  rpc = service.app.get(RpcClient);
  dataSource = service.app.get(DataSource);
});

afterAll(async () => {
  if (service) {
    const messaging = service.app.get(Messaging);
    await service.stop();
    await messaging.deleteTopology();
  }
  await database?.drop();
});

// ---- balances --------------------------------------------------------------------------------------------------

describe('balances.get', () => {
  let settlement: string;
  let wallet: string;
  let other: string;

  beforeAll(async () => {
    settlement = await createAccount('settlement', 'EUR', false);
    wallet = await createAccount('customer_wallet', 'EUR');
    other = await createAccount('customer_wallet', 'EUR');
    await apply({
      kind: 'single',
      debit: settlement,
      credit: wallet,
      amount: 10_000n,
      currency: 'EUR',
      at: T(1),
    });
    await apply({ kind: 'single', debit: wallet, credit: other, amount: 2_500n, currency: 'EUR', at: T(2) });
    await apply({ kind: 'pending', debit: wallet, credit: other, amount: 1_000n, currency: 'EUR', at: T(3) });
  });

  it('answers now from the account: posted, and available net of held funds', async () => {
    const balance = await call(ledgerRpc.balance, { accountId: wallet });
    expect(balance).toMatchObject<Partial<Balance>>({
      accountId: wallet,
      currency: 'EUR',
      debitsPosted: '2500',
      creditsPosted: '10000',
      debitsPending: '1000',
      creditsPending: '0',
      posted: '7500',
      available: '6500',
    });
    expect(Math.abs(Date.parse(balance.asOf) - Date.now())).toBeLessThan(60_000);
  });

  it('answers at T from the last change at or before T, and zeros before the first', async () => {
    const at = async (time: string) => call(ledgerRpc.balance, { accountId: wallet, at: time });
    await expect(at(T(0))).resolves.toMatchObject({
      posted: '0',
      available: '0',
      debitsPosted: '0',
      asOf: T(0),
    });
    await expect(at(T(1))).resolves.toMatchObject({ posted: '10000', available: '10000' });
    await expect(at('2026-01-01T12:01:30+00:00')).resolves.toMatchObject({ posted: '10000' });
    await expect(at(T(2))).resolves.toMatchObject({ posted: '7500', available: '7500' });
    await expect(at(T(3))).resolves.toMatchObject({
      posted: '7500',
      available: '6500',
      debitsPending: '1000',
    });
    // The settlement account goes negative: posted is signed.
    await expect(call(ledgerRpc.balance, { accountId: settlement, at: T(59) })).resolves.toMatchObject({
      posted: '-10000',
    });
  });

  it('answers 404 for an unknown account and 422 with pointers for a bad request', async () => {
    expect((await failure(ledgerRpc.balance, { accountId: randomUUID() })).code).toBe(ErrorCode.NotFound);
    const error = await failure(ledgerRpc.balance, { accountId: 'nope', at: 'yesterday' });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(pointers(error)).toEqual(['/accountId', '/at']);
    expect(pointers(await failure(ledgerRpc.balance, { accountId: wallet, at: '2026-01-01' }))).toEqual([
      '/at',
    ]);
  });
});

// ---- statements ------------------------------------------------------------------------------------------------

describe('statements.get', () => {
  let settlement: string;
  let wallet: string;
  let friend: string;
  const ids: string[] = [];

  beforeAll(async () => {
    settlement = await createAccount('settlement', 'USD', false);
    wallet = await createAccount('customer_wallet', 'USD');
    friend = await createAccount('customer_wallet', 'USD');
    ids.push(
      await apply({
        kind: 'single',
        debit: settlement,
        credit: wallet,
        amount: 5_000n,
        currency: 'USD',
        at: T(10),
      }),
    );
    for (let index = 0; index < 12; index += 1) {
      ids.push(
        await apply({
          kind: 'single',
          debit: wallet,
          credit: friend,
          amount: 100n,
          currency: 'USD',
          at: T(11 + index),
        }),
      );
    }
    const pending = await apply({
      kind: 'pending',
      debit: wallet,
      credit: friend,
      amount: 700n,
      currency: 'USD',
      at: T(30),
    });
    ids.push(pending);
    ids.push(
      await apply({
        kind: 'post_pending',
        debit: wallet,
        credit: friend,
        amount: 300n,
        pendingAmount: 700n,
        pendingId: pending,
        currency: 'USD',
        at: T(31),
      }),
    );
  });

  async function readAll(accountId: string, limit: number, extra: { from?: string; to?: string } = {}) {
    const lines: StatementLine[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page: Statement = await call(ledgerRpc.statement, {
        accountId,
        limit,
        ...extra,
        ...(cursor ? { cursor } : {}),
      });
      pages += 1;
      lines.push(...page.data);
      if (page.nextCursor === null) return { lines, pages };
      expect(page.data).toHaveLength(limit);
      cursor = page.nextCursor;
    }
  }

  it('lists every line newest first with signed amounts, running balances and counterparties', async () => {
    const { lines, pages } = await readAll(wallet, 5);
    expect(pages).toBe(3);
    expect(lines.map((line) => line.transferId)).toEqual([...ids].reverse());
    const [post, hold, lastPayment] = lines;
    expect(post).toMatchObject({
      kind: 'post_pending',
      amount: '-300',
      balanceAfter: '3500',
      pendingAfter: '0',
      counterpartyAccountId: friend,
      at: T(31),
    });
    expect(hold).toMatchObject({
      kind: 'pending',
      amount: '-700',
      balanceAfter: '3800',
      pendingAfter: '-700',
    });
    expect(lastPayment).toMatchObject({ kind: 'single', amount: '-100', balanceAfter: '3800' });
    expect(lines.at(-1)).toMatchObject({
      amount: '5000',
      balanceAfter: '5000',
      counterpartyAccountId: settlement,
      code: 1,
      description: 'test',
      at: T(10),
    });
    // The friend sees the same transfers as credits.
    const friendLines = (await readAll(friend, 100)).lines;
    expect(friendLines[0]).toMatchObject({
      amount: '300',
      balanceAfter: '1500',
      counterpartyAccountId: wallet,
    });
  });

  it('filters by time, inclusive at both ends, and pages inside the filter', async () => {
    const { lines } = await readAll(wallet, 2, { from: T(12), to: T(16) });
    expect(lines.map((line) => line.at)).toEqual([T(16), T(15), T(14), T(13), T(12)]);
    expect((await readAll(wallet, 10, { to: T(5) })).lines).toEqual([]);
    expect((await readAll(wallet, 10, { from: T(40) })).lines).toEqual([]);
  });

  it('keeps a cursor stable while lines are added', async () => {
    const first = await call(ledgerRpc.statement, { accountId: wallet, limit: 3 });
    const cursor = first.nextCursor ?? '';
    const before = await call(ledgerRpc.statement, { accountId: wallet, limit: 3, cursor });
    await apply({
      kind: 'single',
      debit: settlement,
      credit: wallet,
      amount: 1n,
      currency: 'USD',
      at: T(45),
    });
    await expect(call(ledgerRpc.statement, { accountId: wallet, limit: 3, cursor })).resolves.toEqual(before);
  });

  it.each([
    ['a limit of 0', { limit: 0 }, ['/limit']],
    ['a limit of 101', { limit: 101 }, ['/limit']],
    ['a fractional limit', { limit: 1.5 }, ['/limit']],
    ['a string limit', { limit: '10' }, ['/limit']],
    ['a garbage cursor', { limit: 10, cursor: '!!!' }, ['/cursor']],
    ['from after to', { limit: 10, from: T(20), to: T(10) }, ['/from']],
    ['a bad from', { limit: 10, from: 'soon' }, ['/from']],
  ])('refuses %s with 422 validation_failed', async (_name, extra, expected) => {
    const error = await failure(ledgerRpc.statement, { accountId: wallet, ...extra });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(pointers(error)).toEqual(expected);
  });

  it("refuses another account's cursor, and answers 404 for an unknown account", async () => {
    const error = await failure(ledgerRpc.statement, {
      accountId: wallet,
      limit: 10,
      cursor: encodeStatementCursor(friend, '5'),
    });
    expect(pointers(error)).toEqual(['/cursor']);
    expect((await failure(ledgerRpc.statement, { accountId: randomUUID(), limit: 10 })).code).toBe(
      ErrorCode.NotFound,
    );
  });
});

// ---- accounts --------------------------------------------------------------------------------------------------

describe('accounts.list', () => {
  it('lists operator accounts by type and currency', async () => {
    const page = await call(ledgerRpc.listAccounts, { type: 'fees', currency: 'GBP', limit: 10 });
    expect(page.nextCursor).toBeNull();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ type: 'fees', currency: 'GBP', balance: '0', closed: false });
  });

  it('pages by id with a stable cursor and no duplicates', async () => {
    const created = new Set<string>();
    for (let index = 0; index < 7; index += 1) created.add(await createAccount('customer_wallet', 'GBP'));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await call(ledgerRpc.listAccounts, {
        type: 'customer_wallet',
        currency: 'GBP',
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.data.map((account) => account.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen)).toEqual(created);
    expect(seen).toEqual([...seen].sort());
    const all = await call(ledgerRpc.listAccounts, { limit: 100 });
    expect(all.data.length).toBeGreaterThanOrEqual(15 + 7);
  });

  it('refuses a bad type, limit or cursor (validation_failed) and a bad currency (invalid_currency)', async () => {
    const error = await failure(ledgerRpc.listAccounts, { type: 'wallet', limit: 0, cursor: 'x' });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(pointers(error)).toEqual(['/cursor', '/limit', '/type']);
    for (const currency of ['eur', 'XXX', 'EURO', '\u0415UR']) {
      const refusal = await failure(ledgerRpc.listAccounts, { currency, limit: 10 });
      expect({ currency, code: refusal.code }).toEqual({ currency, code: ErrorCode.InvalidCurrency });
    }
    await expect(
      call(ledgerRpc.listAccounts, {
        limit: 5,
        cursor: encodeAccountsCursor('ffffffff-ffff-4fff-bfff-ffffffffffff'),
      }),
    ).resolves.toEqual({ data: [], nextCursor: null });
  });
});

// ---- a deep statement ------------------------------------------------------------------------------------------

describe('a statement on an account with 200,000 history rows', () => {
  const ROWS = 200_000;
  let hot: string;
  let source: string;

  beforeAll(async () => {
    hot = await createAccount('settlement', 'GBP', false);
    source = await createAccount('fx', 'GBP', false);
    const started = Date.now();
    await withTransaction(dataSource, async (manager) => {
      const [{ next }] = await manager.query<Array<{ next: string }>>(
        'SELECT coalesce(max("sequence"), 0) + 1 AS "next" FROM "ledger_batches"',
      );
      const hash = randomBytes(32);
      await manager.query('INSERT INTO "ledger_batches" VALUES ($1, $2::timestamptz, $3, $4, $4, $4)', [
        next,
        '2025-01-01T00:00:00Z',
        ROWS,
        hash,
      ]);
      // Transfer i credits the account with i minor units, one second apart; the history row after it holds the
      // running total sum(1..i) = i(i+1)/2.
      await manager.query(
        'INSERT INTO "transfers" ("id", "kind", "debit_account_id", "credit_account_id", "amount", "currency", ' +
          '"code", "reference", "description", "batch_sequence", "batch_index", "created_at") ' +
          "SELECT (lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || substr($1::uuid::text, 25, 12))::uuid, 'single', " +
          "$2::uuid, $1::uuid, i, 'GBP', 2, 'r' || i, 'bulk', $3, i, $4::timestamptz + i * interval '1 second' " +
          'FROM generate_series(1, $5::int) AS i',
        [hot, source, next, '2025-01-01T00:00:00Z', ROWS],
      );
      await manager.query(
        'INSERT INTO "balance_history" ("account_id", "sequence", "transfer_id", "debits_pending", "debits_posted", ' +
          '"credits_pending", "credits_posted", "created_at") ' +
          "SELECT $1, i, (lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || substr($1::uuid::text, 25, 12))::uuid, 0, 0, 0, " +
          "(i::bigint * (i + 1)) / 2, $2::timestamptz + i * interval '1 second' FROM generate_series(1, $3::int) AS i",
        [hot, '2025-01-01T00:00:00Z', ROWS],
      );
      const total = (BigInt(ROWS) * BigInt(ROWS + 1)) / 2n;
      await manager.query(
        'UPDATE "ledger_accounts" SET "credits_posted" = $2, "last_sequence" = $3 WHERE "id" = $1',
        [hot, total.toString(), ROWS],
      );
      // The source's side, summed into one history row after the last transfer (its statement is not under test).
      await manager.query(
        'UPDATE "ledger_accounts" SET "debits_posted" = $2, "last_sequence" = 1 WHERE "id" = $1',
        [source, total.toString()],
      );
      await manager.query(
        'INSERT INTO "balance_history" SELECT $4::uuid, 1, "transfer_id", 0, $2, 0, 0, "created_at" ' +
          'FROM "balance_history" WHERE "account_id" = $1 AND "sequence" = $3',
        [hot, total.toString(), ROWS, source],
      );
    });
    await dataSource.query('ANALYZE "balance_history"');
    await dataSource.query('ANALYZE "transfers"');
    // eslint-disable-next-line no-console -- a measurement for the report, not an assertion
    console.log(`inserted ${ROWS} transfers and history rows in ${Date.now() - started} ms`);
  });

  it('answers a page deep in the history quickly and exactly', async () => {
    const cursor = encodeStatementCursor(hot, '1000');
    const started = process.hrtime.bigint();
    const page = await call(ledgerRpc.statement, { accountId: hot, limit: 20, cursor });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    // eslint-disable-next-line no-console -- a measurement for the report, not an assertion
    console.log(`deep statement page (sequences 999..980 of ${ROWS}) over RPC: ${elapsedMs.toFixed(1)} ms`);
    expect(page.data.map((line) => line.amount)).toEqual(
      Array.from({ length: 20 }, (_, k) => String(999 - k)),
    );
    expect(page.data[0]).toMatchObject({
      balanceAfter: String((999 * 1000) / 2),
      counterpartyAccountId: source,
      reference: 'r999',
      at: new Date(Date.parse('2025-01-01T00:00:00Z') + 999_000).toISOString(),
    });
    const next = await call(ledgerRpc.statement, {
      accountId: hot,
      limit: 20,
      cursor: page.nextCursor ?? '',
    });
    expect(next.data[0]?.amount).toBe('979');
  });

  it('answers a time-filtered page from sequence bounds', async () => {
    const page = await call(ledgerRpc.statement, {
      accountId: hot,
      limit: 3,
      from: '2025-01-01T00:00:10Z',
      to: '2025-01-01T00:01:40Z',
    });
    expect(page.data.map((line) => line.amount)).toEqual(['100', '99', '98']);
    const oldest = await call(ledgerRpc.statement, {
      accountId: hot,
      limit: 100,
      from: '2025-01-01T00:00:10Z',
      to: '2025-01-01T00:00:12Z',
    });
    expect(oldest).toMatchObject({ nextCursor: null });
    expect(oldest.data.map((line) => line.amount)).toEqual(['12', '11', '10']);
  });

  it('answers the balance at T from one history row', async () => {
    await expect(
      call(ledgerRpc.balance, { accountId: hot, at: '2025-01-01T00:16:40.5Z' }),
    ).resolves.toMatchObject({ posted: String((1000 * 1001) / 2) });
  });

  it('plans the page as a range scan of the primary key, not a scan of the history', async () => {
    const plan = await dataSource.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${STATEMENT_PAGE}`, [
      hot,
      '999',
      '1',
      21,
    ]);
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    // eslint-disable-next-line no-console -- the plan, for the report
    console.log(text);
    expect(text).toMatch(/Index Scan Backward using "PK_balance_history" on balance_history/);
    expect(text).not.toMatch(/Seq Scan on balance_history/);
    expect(text).toMatch(/Index Scan using "PK_transfers" on transfers/);
  });
});

// ---- through the write path ----------------------------------------------------------------------------------

describe('reads after transfers made through transfers.create', () => {
  it('agree with the write path: balances, statement lines and the trial balance', async () => {
    const [settlement] = (
      await call(ledgerRpc.listAccounts, { type: 'settlement', currency: 'GBP', limit: 1 })
    ).data;
    const wallet = randomUUID();
    const friend = randomUUID();
    const created = await call(ledgerRpc.createAccounts, {
      accounts: [wallet, friend].map((id) => ({
        id,
        type: 'customer_wallet' as const,
        currency: 'GBP',
        flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false },
      })),
    });
    expect(created.results.map((result) => result.result)).toEqual(['created', 'created']);
    const base = { code: 1, reference: 'write-path', description: 'through the writer', currency: 'GBP' };
    const [fund, pay, hold] = [randomUUID(), randomUUID(), randomUUID()];
    const first = await call(ledgerRpc.createTransfers, {
      transfers: [
        {
          ...base,
          id: fund,
          kind: 'single',
          debitAccountId: settlement?.id,
          creditAccountId: wallet,
          amount: '10000',
        },
        { ...base, id: pay, kind: 'single', debitAccountId: wallet, creditAccountId: friend, amount: '2500' },
        {
          ...base,
          id: hold,
          kind: 'pending',
          debitAccountId: wallet,
          creditAccountId: friend,
          amount: '1000',
        },
      ],
    });
    expect(first.results.map((result) => result.result)).toEqual(['created', 'created', 'created']);

    await expect(call(ledgerRpc.balance, { accountId: wallet })).resolves.toMatchObject({
      posted: '7500',
      available: '6500',
      debitsPending: '1000',
    });
    const statement = await call(ledgerRpc.statement, { accountId: wallet, limit: 10 });
    expect(
      statement.data.map((line) => [line.transferId, line.amount, line.balanceAfter, line.pendingAfter]),
    ).toEqual([
      [hold, '-1000', '7500', '-1000'],
      [pay, '-2500', '7500', '0'],
      [fund, '10000', '10000', '0'],
    ]);
    // The balance at the first line's time holds at least that line (several lines may share one batch time).
    const atFirst = await call(ledgerRpc.balance, { accountId: wallet, at: statement.data[2]?.at ?? '' });
    expect(BigInt(atFirst.posted)).toBeGreaterThanOrEqual(7500n);
    const reconciliation = await call(ledgerRpc.reconciliation, {});
    expect(reconciliation.currencies.find((row) => row.currency === 'GBP')).toMatchObject({ balanced: true });
  });
});

// ---- reconciliation (last: it unbalances the ledger on purpose) ------------------------------------------------

describe('reconciliation.get', () => {
  it('shows every currency balanced now and at an earlier time', async () => {
    const now = await call(ledgerRpc.reconciliation, {});
    expect(now.balanced).toBe(true);
    expect(now.currencies.map((row) => row.currency)).toEqual(['EUR', 'GBP', 'USD']);
    for (const row of now.currencies) {
      expect(row.debitsPosted).toBe(row.creditsPosted);
      expect(row.debitsPending).toBe(row.creditsPending);
    }
    const eur = now.currencies.find((row) => row.currency === 'EUR');
    expect(eur).toMatchObject({ debitsPosted: '12500', debitsPending: '1000', balanced: true });

    const earlier = await call(ledgerRpc.reconciliation, { at: T(2) });
    expect(earlier).toMatchObject({ asOf: T(2), balanced: true });
    expect(earlier.currencies.find((row) => row.currency === 'EUR')).toMatchObject({
      debitsPosted: '12500',
      debitsPending: '0',
    });
  });

  it('shows a currency whose accounts no longer sum to zero as unbalanced', async () => {
    const account = await createAccount('fees', 'USD', false);
    await dataSource.query('UPDATE "ledger_accounts" SET "credits_posted" = 1 WHERE "id" = $1', [account]);
    const result = await call(ledgerRpc.reconciliation, {});
    expect(result.balanced).toBe(false);
    expect(result.currencies.find((row) => row.currency === 'USD')?.balanced).toBe(false);
    expect(result.currencies.find((row) => row.currency === 'EUR')?.balanced).toBe(true);

    // The same trial balance on /metrics, for the alert (this file's first scrape: the reading is fresh).
    const metrics = await fetch(`${service.url}/metrics`).then((response) => response.text());
    const gauge = 'kasho_ledger_reconciliation_imbalance_minor_units';
    expect(metrics).toContain(`${gauge}{currency="USD",balance="posted"} -1`);
    expect(metrics).toContain(`${gauge}{currency="EUR",balance="posted"} 0`);
    expect(metrics).toContain(`${gauge}{currency="EUR",balance="pending"} 0`);
  });

  it('refuses a bad time', async () => {
    expect(pointers(await failure(ledgerRpc.reconciliation, { at: 'now' }))).toEqual(['/at']);
  });
});
