import { Injectable } from '@nestjs/common';
import { type QueryConfig, type QueryResultRow } from 'pg';
import {
  type AccountState,
  type BalanceChange,
  type PendingState,
  type PendingStatus,
  type StoredTransfer,
} from '../engine/engine.types';
import { LEDGER_GENESIS_HASH, LEDGER_HASH_VERSION } from '../ledger-hash';
import { storedTransferOf, TRANSFER_COLUMNS, type TransferRow } from '../ledger-mappers';

// Read committed throughout. A batch is two pipelined flights on one dedicated connection (node-postgres
// `pipeline: true`: every statement of a flight is sent before the first answer comes back), each statement a named
// prepared statement, parsed and planned once per connection:
//   1. BEGIN; lock the accounts; lock the pendings and read the existing transfers.
//   2. write accounts, history, pendings and outbox rows, then take the chain lock; append the link and the
//      transfers; COMMIT.
// So the chain lock is held from the end of one statement to the commit with no round trip to this process in
// between: batches of every lane and replica overlap everywhere but in appending their link and committing.
//
// Why the statement boundaries: a statement's snapshot is taken when it starts, and FOR UPDATE re-reads only the
// rows that snapshot already sees. So whatever must be read *after* a lock was granted (rows committed while we
// waited for it) is read by a later statement: the pendings and the existing transfers after the account locks, the
// chain's head after the chain lock.

/**
 * The accounts named and the accounts of the pending transfers named (immutable columns, read in the statement's
 * snapshot), locked in id order: ORDER BY below FOR UPDATE, so rows are locked as they come out of the sort, on every
 * replica, and two batches naming the same accounts queue behind each other instead of deadlocking.
 */
const LOCK_ACCOUNTS: QueryConfig = {
  name: 'ledger_write_lock_accounts_v1',
  text:
    'SELECT "id", "currency", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits", ' +
    '"closed_at" IS NOT NULL AS "closed", "debits_pending"::text, "debits_posted"::text, ' +
    '"credits_pending"::text, "credits_posted"::text, "last_sequence"::text FROM "ledger_accounts" ' +
    'WHERE "id" = ANY($1::uuid[] || ARRAY(SELECT u FROM "pending_transfers" p, ' +
    'unnest(ARRAY[p."debit_account_id", p."credit_account_id"]) AS u WHERE p."id" = ANY($2::uuid[]))) ' +
    'ORDER BY "id" FOR UPDATE',
};

/**
 * After the account locks (a new snapshot): the pending rows, locked in id order, and the transfers that already
 * exist, as two JSON arrays (amounts as text: JSON numbers would round them).
 */
const LOCK_PENDINGS_READ_EXISTING: QueryConfig = {
  name: 'ledger_write_lock_pendings_v1',
  text:
    'WITH p AS (SELECT "id", "debit_account_id", "credit_account_id", "amount"::text AS "amount", "currency", ' +
    '"status", "expires_at" FROM "pending_transfers" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE), ' +
    `t AS (SELECT ${TRANSFER_COLUMNS} FROM "transfers" WHERE "id" = ANY($2::uuid[])) ` +
    'SELECT (SELECT coalesce(json_agg(p ORDER BY p."id"), \'[]\') FROM p) AS "pendings", ' +
    '(SELECT coalesce(json_agg(json_build_object(\'id\', t."id", \'kind\', t."kind", ' +
    '\'debit_account_id\', t."debit_account_id", \'credit_account_id\', t."credit_account_id", ' +
    '\'amount\', t."amount"::text, \'currency\', t."currency", \'code\', t."code", \'pending_id\', t."pending_id", ' +
    '\'timeout_at\', t."timeout_at", \'reference\', t."reference", \'description\', t."description", ' +
    '\'metadata\', t."metadata", \'created_at\', t."created_at")), \'[]\') FROM t) AS "existing"',
};

/**
 * The batch's state changes and its outbox row in one statement, then the chain lock: it is taken last (its argument depends on every
 * write's row count, so the writes run first) and held to the commit, so batches overlap everywhere but in
 * appending their link and committing.
 */
const WRITE_STATE: QueryConfig = {
  name: 'ledger_write_state_v4',
  text:
    'WITH a AS (UPDATE "ledger_accounts" AS a SET "debits_pending" = u.debits_pending, ' +
    '"debits_posted" = u.debits_posted, "credits_pending" = u.credits_pending, ' +
    '"credits_posted" = u.credits_posted, "last_sequence" = u.last_sequence ' +
    'FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) ' +
    'AS u(id, debits_pending, debits_posted, credits_pending, credits_posted, last_sequence) ' +
    'WHERE a."id" = u.id RETURNING 1), ' +
    'h AS (INSERT INTO "balance_history" ("account_id", "sequence", "transfer_id", "debits_pending", ' +
    '"debits_posted", "credits_pending", "credits_posted", "created_at") SELECT u.*, $14::timestamptz ' +
    'FROM unnest($7::uuid[], $8::bigint[], $9::uuid[], $10::bigint[], $11::bigint[], $12::bigint[], ' +
    '$13::bigint[]) AS u RETURNING 1), ' +
    'p AS (INSERT INTO "pending_transfers" ("id", "debit_account_id", "credit_account_id", "amount", ' +
    '"currency", "status", "expires_at", "resolved_by", "resolved_at") SELECT * FROM unnest($15::uuid[], ' +
    '$16::uuid[], $17::uuid[], $18::bigint[], $19::text[], $20::text[], $21::timestamptz[], $22::uuid[], ' +
    '$23::timestamptz[]) ON CONFLICT ("id") DO UPDATE SET "status" = EXCLUDED."status", ' +
    '"resolved_by" = EXCLUDED."resolved_by", "resolved_at" = EXCLUDED."resolved_at" RETURNING 1), ' +
    // The batch's one outbox row: a reference to its events, which its transfers and history hold.
    'o AS (INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") ' +
    "VALUES ($24::uuid, $25::text, $26::jsonb, '{}'::jsonb) RETURNING 1) " +
    "SELECT pg_advisory_xact_lock(hashtext('kasho.ledger.chain') + 0 * ((SELECT count(*) FROM a) + " +
    '(SELECT count(*) FROM h) + (SELECT count(*) FROM p) + (SELECT count(*) FROM o))) IS NULL AS "locked"',
};

/**
 * Under the chain lock (a new snapshot, so the head is the last committed link): the next link, its hash computed
 * as `linkHash` computes it (the writer checks that it is), and the batch's transfers in batch order, pointing at
 * it (the foreign key is checked at the end of the statement, when the link exists).
 */
const APPEND_LINK: QueryConfig = {
  name: 'ledger_write_append_link_v1',
  text:
    'WITH head AS (SELECT "sequence", "hash" FROM "ledger_batches" ORDER BY "sequence" DESC LIMIT 1), ' +
    'n AS (SELECT coalesce((SELECT "sequence" FROM head), 0) + 1 AS sequence, ' +
    'coalesce((SELECT "hash" FROM head), $18::bytea) AS prev_hash), ' +
    'link AS (INSERT INTO "ledger_batches" ("sequence", "created_at", "transfer_count", "digest", "prev_hash", ' +
    '"hash") SELECT n.sequence, $14::text::timestamptz, $15::integer, $16::bytea, n.prev_hash, ' +
    'sha256(convert_to(format(\'[%s,"%s","%s","%s","%s"]\', $17::integer, n.sequence, $14::text, ' +
    "encode($16::bytea, 'hex'), encode(n.prev_hash, 'hex')), 'UTF8')) FROM n " +
    'RETURNING "sequence", "prev_hash", "hash"), ' +
    't AS (INSERT INTO "transfers" ("id", "kind", "debit_account_id", "credit_account_id", "amount", ' +
    '"currency", "code", "pending_id", "timeout_at", "reference", "description", "metadata", "created_at", ' +
    '"batch_sequence", "batch_index") SELECT t.id, t.kind, t.debit, t.credit, t.amount, t.currency, t.code, ' +
    't.pending_id, t.timeout_at, t.reference, t.description, t.metadata, t.created_at, ' +
    '(SELECT "sequence" FROM link), t.position::integer ' +
    'FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[], $7::integer[], ' +
    '$8::uuid[], $9::timestamptz[], $10::text[], $11::text[], $12::jsonb[], $13::timestamptz[]) ' +
    'WITH ORDINALITY AS t(id, kind, debit, credit, amount, currency, code, pending_id, timeout_at, reference, ' +
    'description, metadata, created_at, position) RETURNING 1) ' +
    'SELECT "sequence"::text, "prev_hash", "hash", (SELECT count(*) FROM t)::integer AS "inserted" FROM link',
};

/** What the repository needs of a connection: node-postgres' `client.query`, on a client in pipeline mode. */
export interface LedgerConnection {
  query<R extends QueryResultRow>(config: QueryConfig | string): Promise<{ rows: R[] }>;
  /** node-postgres' socket, when there is one: a flight is corked into one write. */
  connection?: { stream?: { cork?(): void; uncork?(): void } };
}

/**
 * Issues a flight's statements as one socket write. node-postgres corks each statement's messages, but a flight
 * of three statements was still three writes, and on loopback a write costs the sender the receiver's TCP work too
 * (in profiles, the writer's largest single cost).
 */
function inOneWrite<T>(db: LedgerConnection, issue: () => T): T {
  const stream = db.connection?.stream;
  stream?.cork?.();
  try {
    return issue();
  } finally {
    stream?.uncork?.();
  }
}

/** Sends every query at once (pipeline), then answers their results in order or the first failure. */
async function pipelined<T extends unknown[]>(queries: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(queries);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as T;
}

/** The batch's outbox row (a reference row: see LedgerEventExpander). */
export interface OutboxReference {
  id: string;
  type: string;
  /** The reference, JSON. */
  payload: string;
}

interface LockedAccountRow {
  id: string;
  currency: string;
  debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean;
  closed: boolean;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  last_sequence: string;
}

interface PendingJson {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  status: PendingStatus;
  expires_at: string | null;
}

type TransferJson = Omit<TransferRow, 'timeout_at' | 'created_at'> & {
  timeout_at: string | null;
  created_at: string;
};

/** An account as locked, with the sequence its next history row continues from. */
export interface LockedAccount {
  state: AccountState;
  lastSequence: bigint;
}

/** A pending row to write: the engine's final state plus who resolved it, when. */
export interface PendingWrite {
  state: PendingState;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

/** A history row to write, its per-account sequence assigned. */
export interface HistoryWrite {
  change: BalanceChange;
  sequence: bigint;
}

export interface BatchWrite {
  accounts: ReadonlyArray<{ state: AccountState; lastSequence: bigint }>;
  history: readonly HistoryWrite[];
  pendings: readonly PendingWrite[];
  outbox: OutboxReference;
  transfers: readonly StoredTransfer[];
  /** The link's time and the history rows'. */
  now: Date;
  digest: Buffer;
}

export interface BatchRead {
  accounts: Map<string, LockedAccount>;
  pendings: Map<string, PendingState>;
  existing: Map<string, StoredTransfer>;
}

/** The link appended: its sequence, and what the database computed for it. */
export interface AppendedLink {
  sequence: bigint;
  prevHash: Buffer;
  hash: Buffer;
  inserted: number;
}

/** The ledger writer's statements: every read locks what the batch will change, every write is set-based. */
@Injectable()
export class LedgerWriteRepository {
  /**
   * Flight 1: begins the transaction, locks (in id order) the accounts named and those of the pending transfers
   * named, then the pending rows, and reads the transfers that already exist.
   */
  async begin(
    db: LedgerConnection,
    accountIds: readonly string[],
    pendingIds: readonly string[],
    transferIds: readonly string[],
  ): Promise<BatchRead> {
    const [, locked, read] = await pipelined<
      [
        unknown,
        { rows: LockedAccountRow[] },
        { rows: Array<{ pendings: PendingJson[]; existing: TransferJson[] }> },
      ]
    >(
      inOneWrite(db, () => [
        db.query('BEGIN ISOLATION LEVEL READ COMMITTED'),
        db.query<LockedAccountRow>({
          ...LOCK_ACCOUNTS,
          values: [plainArray(accountIds, String), plainArray(pendingIds, String)],
        }),
        db.query<{ pendings: PendingJson[]; existing: TransferJson[] }>({
          ...LOCK_PENDINGS_READ_EXISTING,
          values: [plainArray(pendingIds, String), plainArray(transferIds, String)],
        }),
      ]),
    );
    return {
      accounts: accountsOf(locked.rows),
      pendings: pendingsOf(read.rows[0].pendings),
      existing: existingOf(read.rows[0].existing),
    };
  }

  /**
   * Flight 2: the state changes and the outbox row, the chain lock, the link and the transfers, and (when `commit`)
   * COMMIT. Answers the link the database appended.
   */
  async write(db: LedgerConnection, write: BatchWrite, commit: boolean): Promise<AppendedLink> {
    const queries = inOneWrite(db, () => {
      const flight: [Promise<unknown>, Promise<{ rows: AppendedLinkRow[] }>, ...Array<Promise<unknown>>] = [
        db.query({ ...WRITE_STATE, values: stateValues(write) }),
        db.query<AppendedLinkRow>({ ...APPEND_LINK, values: linkValues(write) }),
      ];
      if (commit) flight.push(db.query('COMMIT'));
      return flight;
    });
    const [, appended] = await pipelined(queries);
    const [link] = appended.rows;
    return {
      sequence: BigInt(link.sequence),
      prevHash: link.prev_hash,
      hash: link.hash,
      inserted: link.inserted,
    };
  }
}

interface AppendedLinkRow {
  sequence: string;
  prev_hash: Buffer;
  hash: Buffer;
  inserted: number;
}

function accountsOf(rows: readonly LockedAccountRow[]): Map<string, LockedAccount> {
  const accounts = new Map<string, LockedAccount>();
  for (const row of rows) {
    accounts.set(row.id, {
      lastSequence: BigInt(row.last_sequence),
      state: {
        id: row.id,
        currency: row.currency,
        flags: {
          debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
          creditsMustNotExceedDebits: row.credits_must_not_exceed_debits,
        },
        closed: row.closed,
        debitsPending: BigInt(row.debits_pending),
        debitsPosted: BigInt(row.debits_posted),
        creditsPending: BigInt(row.credits_pending),
        creditsPosted: BigInt(row.credits_posted),
      },
    });
  }
  return accounts;
}

function pendingsOf(rows: readonly PendingJson[]): Map<string, PendingState> {
  const pendings = new Map<string, PendingState>();
  for (const pending of rows) {
    pendings.set(pending.id, {
      id: pending.id,
      debitAccountId: pending.debit_account_id,
      creditAccountId: pending.credit_account_id,
      amount: BigInt(pending.amount),
      currency: pending.currency,
      status: pending.status,
      expiresAt: pending.expires_at === null ? null : new Date(pending.expires_at),
    });
  }
  return pendings;
}

function existingOf(rows: readonly TransferJson[]): Map<string, StoredTransfer> {
  const existing = new Map<string, StoredTransfer>();
  for (const transfer of rows) {
    existing.set(
      transfer.id,
      storedTransferOf({
        ...transfer,
        timeout_at: transfer.timeout_at === null ? null : new Date(transfer.timeout_at),
        created_at: new Date(transfer.created_at),
      }),
    );
  }
  return existing;
}

function stateValues({ accounts, history, pendings, outbox, now }: BatchWrite): unknown[] {
  return [
    plainArray(accounts, (a) => a.state.id),
    plainArray(accounts, (a) => a.state.debitsPending),
    plainArray(accounts, (a) => a.state.debitsPosted),
    plainArray(accounts, (a) => a.state.creditsPending),
    plainArray(accounts, (a) => a.state.creditsPosted),
    plainArray(accounts, (a) => a.lastSequence),
    plainArray(history, (r) => r.change.accountId),
    plainArray(history, (r) => r.sequence),
    plainArray(history, (r) => r.change.transferId),
    plainArray(history, (r) => r.change.debitsPending),
    plainArray(history, (r) => r.change.debitsPosted),
    plainArray(history, (r) => r.change.creditsPending),
    plainArray(history, (r) => r.change.creditsPosted),
    now.toISOString(),
    pendings.map((p) => p.state.id),
    pendings.map((p) => p.state.debitAccountId),
    pendings.map((p) => p.state.creditAccountId),
    pendings.map((p) => p.state.amount.toString()),
    pendings.map((p) => p.state.currency),
    pendings.map((p) => p.state.status),
    pendings.map((p) => p.state.expiresAt?.toISOString() ?? null),
    pendings.map((p) => p.resolvedBy),
    pendings.map((p) => p.resolvedAt?.toISOString() ?? null),
    outbox.id,
    outbox.type,
    outbox.payload,
  ];
}

/**
 * A PostgreSQL array literal of values that never need quoting: canonical UUIDs (the writer sends no other ids),
 * integers and ISO 8601 times; null as NULL. node-postgres quotes and escapes every element of an array parameter
 * with two regular expressions, which cost the writer more than building its statements.
 */
function plainArray<T>(items: readonly T[], value: (item: T) => string | number | bigint | null): string {
  let literal = '{';
  for (let index = 0; index < items.length; index += 1) {
    const element = value(items[index]);
    literal += (index === 0 ? '' : ',') + (element === null ? 'NULL' : String(element));
  }
  return `${literal}}`;
}

/** `batch_index` 1, 2, 3, ... is the order the link's digest covers. */
function linkValues({ transfers, now, digest }: BatchWrite): unknown[] {
  return [
    plainArray(transfers, (t) => t.id),
    transfers.map((t) => t.kind),
    plainArray(transfers, (t) => t.debitAccountId),
    plainArray(transfers, (t) => t.creditAccountId),
    plainArray(transfers, (t) => t.amount),
    transfers.map((t) => t.currency),
    plainArray(transfers, (t) => t.code),
    plainArray(transfers, (t) => t.pendingId),
    plainArray(transfers, (t) => t.timeoutAt?.toISOString() ?? null),
    transfers.map((t) => t.reference),
    transfers.map((t) => t.description),
    transfers.map((t) => JSON.stringify(t.metadata)),
    plainArray(transfers, (t) => t.createdAt.toISOString()),
    now.toISOString(),
    transfers.length,
    digest,
    LEDGER_HASH_VERSION,
    LEDGER_GENESIS_HASH,
  ];
}
