import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { loadConfig } from '@kasho/config';
import {
  type CreateTransfer,
  type EventEnvelope,
  type LedgerAccountType,
  ledgerRpc,
  type RpcContract,
  type TransferEventPayload,
  type TransferResult,
} from '@kasho/contracts';
import { DomainError } from '@kasho/errors';
import { Messaging, RpcClient, TopologyNames } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createTestDatabase, createTestNamespace, freePort, type TestDatabase } from '@kasho/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { transactionEnv } from '../src/config';
import { LedgerEventExpander } from '../src/ledger/events/ledger-event-expander';
import { LEDGER_BATCH_EVENTS } from '../src/ledger/events/ledger-events';

export type TransferEvent = EventEnvelope<TransferEventPayload>;

/** One transaction service with its own database and broker namespace, for one test file. */
export interface LedgerHarness {
  service: RunningService;
  database: TestDatabase;
  dataSource: DataSource;
  call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res>;
  failure<Req, Res>(contract: RpcContract<Req, Res>, request: unknown): Promise<DomainError>;
  /** A new account; a customer wallet refuses overdrafts. */
  account(type?: LedgerAccountType, currency?: string): Promise<string>;
  transfer(transfers: CreateTransfer[]): Promise<TransferResult[]>;
  /** Moves `amount` from the currency's settlement account into `accountId`. */
  fund(accountId: string, amount: bigint, currency?: string): Promise<void>;
  balances(accountId: string): Promise<AccountTotals>;
  /**
   * The events of these transfers as the broker delivered them to a queue bound since the harness started, in
   * delivery order; waits up to `timeoutMs` for one of each.
   */
  publishedEvents(transferIds: readonly string[], timeoutMs?: number): Promise<TransferEvent[]>;
  /** The events of these transfers read back from their batches' outbox rows, as the relay would publish them. */
  storedEvents(transferIds: readonly string[]): Promise<TransferEvent[]>;
  stop(): Promise<void>;
}

export interface AccountTotals {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export async function startLedgerHarness(
  label: string,
  env: Record<string, string> = {},
): Promise<LedgerHarness> {
  const database = await createTestDatabase(`ledger_${label}`);
  const config = loadConfig(transactionEnv, {
    AMQP_NAMESPACE: createTestNamespace(`ledger-${label}`),
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    LEDGER_EXPIRY_INTERVAL_MS: '0',
    ...env,
  });
  const service = await startService({
    service: 'transaction',
    config,
    module: AppModule.forRoot(config),
  });
  const rpc = service.app.get(RpcClient);
  const dataSource = service.app.get(DataSource);
  const published = await captureTransferEvents(config.AMQP_URL, config.AMQP_NAMESPACE);
  const call = <Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> =>
    rpc.call(contract, request, { timeoutMs: 30_000 });
  const settlement = new Map<string, string>();
  const harness: LedgerHarness = {
    service,
    database,
    dataSource,
    call,
    async failure(contract, request) {
      try {
        await call(contract, request as never);
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
      throw new Error(`${contract.method} succeeded but was expected to fail`);
    },
    async account(type = 'customer_wallet', currency = 'EUR') {
      const id = randomUUID();
      const { results } = await call(ledgerRpc.createAccounts, {
        accounts: [
          {
            id,
            type,
            currency,
            flags: {
              debitsMustNotExceedCredits: type === 'customer_wallet',
              creditsMustNotExceedDebits: false,
            },
          },
        ],
      });
      if (results[0].result !== 'created') throw new Error(`account not created: ${results[0].result}`);
      return id;
    },
    async transfer(transfers) {
      return (await call(ledgerRpc.createTransfers, { transfers })).results;
    },
    async fund(accountId, amount, currency = 'EUR') {
      let source = settlement.get(currency);
      if (!source) {
        source = await harness.account('settlement', currency);
        settlement.set(currency, source);
      }
      const [result] = await harness.transfer([
        single(randomUUID(), source, accountId, amount, currency, { code: 2, reference: 'top-up' }),
      ]);
      if (result.result !== 'created') throw new Error(`funding failed: ${result.result}`);
    },
    async balances(accountId) {
      const [row] = await dataSource.query<
        Array<{
          debits_pending: string;
          debits_posted: string;
          credits_pending: string;
          credits_posted: string;
        }>
      >(
        'SELECT "debits_pending", "debits_posted", "credits_pending", "credits_posted" FROM "ledger_accounts" WHERE "id" = $1',
        [accountId],
      );
      return {
        debitsPending: BigInt(row.debits_pending),
        debitsPosted: BigInt(row.debits_posted),
        creditsPending: BigInt(row.credits_pending),
        creditsPosted: BigInt(row.credits_posted),
      };
    },
    async publishedEvents(transferIds, timeoutMs = 5_000) {
      const wanted = new Set(transferIds);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = published.events.filter((event) => wanted.has(event.payload.transfer.id));
        if (
          new Set(events.map((event) => event.payload.transfer.id)).size === wanted.size ||
          Date.now() > deadline
        )
          return events;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async storedEvents(transferIds) {
      const references = await dataSource.query<Array<{ payload: unknown }>>(
        'SELECT o."payload" FROM "outbox_messages" o WHERE o."type" = $1 AND o."payload"->>\'transfer\' IN ' +
          '(SELECT f."id"::text FROM "transfers" t JOIN "transfers" f ON f."batch_sequence" = t."batch_sequence" ' +
          'AND f."batch_index" = 1 WHERE t."id" = ANY($2::uuid[])) ORDER BY o."sequence"',
        [`outbox-reference:${LEDGER_BATCH_EVENTS}`, transferIds],
      );
      const expanded = await service.app.get(LedgerEventExpander).expand(
        references.map((row) => row.payload),
        (sql, parameters) => dataSource.query(sql, parameters),
      );
      const wanted = new Set(transferIds);
      return expanded
        .flatMap((events) => events ?? [])
        .map((event) => event.envelope as TransferEvent)
        .filter((event) => wanted.has(event.payload.transfer.id));
    },
    async stop() {
      const messaging = service.app.get(Messaging);
      await published.close();
      await service.stop();
      await messaging.deleteTopology();
      await database.drop();
    },
  };
  return harness;
}

export function single(
  id: string,
  debitAccountId: string,
  creditAccountId: string,
  amount: bigint | number,
  currency = 'EUR',
  extra: Partial<CreateTransfer> = {},
): CreateTransfer {
  return {
    id,
    kind: 'single',
    debitAccountId,
    creditAccountId,
    amount: amount.toString(),
    currency,
    code: 1,
    reference: `ref-${id.slice(0, 8)}`,
    description: 'test transfer',
    ...extra,
  };
}

/**
 * The invariants that must hold at every commit: every currency sums to zero (posted and pending), no flagged
 * account is past its limit, each account's last history row equals its totals and its sequences are 1..n, every
 * pending row's hold is what its accounts' pending columns add up to.
 */
export async function assertLedgerInvariants(dataSource: DataSource): Promise<void> {
  const unbalanced = await dataSource.query<unknown[]>(
    'SELECT "currency" FROM "ledger_accounts" GROUP BY "currency" HAVING sum("debits_posted") <> sum("credits_posted") ' +
      'OR sum("debits_pending") <> sum("credits_pending")',
  );
  expect(unbalanced).toEqual([]);
  const overdrawn = await dataSource.query<unknown[]>(
    'SELECT "id" FROM "ledger_accounts" WHERE ("debits_must_not_exceed_credits" AND ' +
      '"debits_pending" + "debits_posted" > "credits_posted") OR ("credits_must_not_exceed_debits" AND ' +
      '"credits_pending" + "credits_posted" > "debits_posted")',
  );
  expect(overdrawn).toEqual([]);
  const historyMismatch = await dataSource.query<unknown[]>(
    'SELECT a."id" FROM "ledger_accounts" a LEFT JOIN "balance_history" h ON h."account_id" = a."id" ' +
      'AND h."sequence" = a."last_sequence" WHERE a."last_sequence" > 0 AND (h."account_id" IS NULL OR ' +
      'h."debits_pending" <> a."debits_pending" OR h."debits_posted" <> a."debits_posted" OR ' +
      'h."credits_pending" <> a."credits_pending" OR h."credits_posted" <> a."credits_posted")',
  );
  expect(historyMismatch).toEqual([]);
  const gaps = await dataSource.query<unknown[]>(
    'SELECT "account_id" FROM "balance_history" GROUP BY "account_id" ' +
      'HAVING count(*) <> max("sequence") OR min("sequence") <> 1',
  );
  expect(gaps).toEqual([]);
  const holds = await dataSource.query<unknown[]>(
    'SELECT a."id" FROM "ledger_accounts" a WHERE a."debits_pending" <> coalesce((SELECT sum(p."amount") ' +
      `FROM "pending_transfers" p WHERE p."debit_account_id" = a."id" AND p."status" = 'pending'), 0) ` +
      'OR a."credits_pending" <> coalesce((SELECT sum(p."amount") FROM "pending_transfers" p ' +
      `WHERE p."credit_account_id" = a."id" AND p."status" = 'pending'), 0)`,
  );
  expect(holds).toEqual([]);
}

/** An exclusive queue (gone with its connection) bound to the namespace's transfer events, filled as they come. */
export async function captureTransferEvents(
  url: string,
  namespace: string,
): Promise<{ events: TransferEvent[]; close(): Promise<void> }> {
  const connection = await connect(url);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, new TopologyNames(namespace).eventsExchange, 'transaction.transfer.#');
  const events: TransferEvent[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (message) events.push(JSON.parse(message.content.toString('utf8')) as TransferEvent);
    },
    { noAck: true },
  );
  return { events, close: () => connection.close() };
}
