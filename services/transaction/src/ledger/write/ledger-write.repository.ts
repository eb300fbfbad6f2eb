import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import {
  type AccountState,
  type BalanceChange,
  type PendingState,
  type PendingStatus,
  type StoredTransfer,
} from '../engine/engine.types';
import { storedTransferOf, TRANSFER_COLUMNS, type TransferRow } from '../ledger-mappers';

// Read committed throughout: every SELECT ... FOR UPDATE returns the latest committed row once its lock is granted,
// and the reads that follow the locks see everything committed before them.

const PENDING_ACCOUNTS =
  'SELECT "id", "debit_account_id", "credit_account_id" FROM "pending_transfers" WHERE "id" = ANY($1::uuid[])';
// ORDER BY below FOR UPDATE: rows are locked as they come out of the sort, i.e. in id order on every replica, so two
// batches naming the same accounts queue behind each other instead of deadlocking.
const LOCK_ACCOUNTS =
  'SELECT "id", "currency", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits", ' +
  '"closed_at" IS NOT NULL AS "closed", "debits_pending", "debits_posted", "credits_pending", "credits_posted", ' +
  '"last_sequence" FROM "ledger_accounts" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE';
const LOCK_PENDINGS =
  'SELECT "id", "debit_account_id", "credit_account_id", "amount", "currency", "status", "expires_at" ' +
  'FROM "pending_transfers" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE';
const EXISTING_TRANSFERS = `SELECT ${TRANSFER_COLUMNS} FROM "transfers" WHERE "id" = ANY($1::uuid[])`;

// One lock per database for the chain: taken as late as possible (after every other write), so batches of
// different replicas overlap everywhere but in appending their link and committing.
const CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('kasho.ledger.chain'))";
const CHAIN_HEAD = 'SELECT "sequence", "hash" FROM "ledger_batches" ORDER BY "sequence" DESC LIMIT 1';
const INSERT_LINK =
  'INSERT INTO "ledger_batches" ("sequence", "created_at", "transfer_count", "digest", "prev_hash", "hash") ' +
  'VALUES ($1, $2, $3, $4, $5, $6)';
const INSERT_TRANSFERS =
  'INSERT INTO "transfers" ("id", "kind", "debit_account_id", "credit_account_id", "amount", "currency", "code", ' +
  '"pending_id", "timeout_at", "reference", "description", "metadata", "created_at", "batch_sequence", ' +
  '"batch_index") SELECT t.id, t.kind, t.debit, t.credit, t.amount, t.currency, t.code, t.pending_id, ' +
  't.timeout_at, t.reference, t.description, t.metadata, t.created_at, $14, t.position::integer ' +
  'FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[], $7::integer[], ' +
  '$8::uuid[], $9::timestamptz[], $10::text[], $11::text[], $12::jsonb[], $13::timestamptz[]) WITH ORDINALITY ' +
  'AS t(id, kind, debit, credit, amount, currency, code, pending_id, timeout_at, reference, description, ' +
  'metadata, created_at, position)';
const UPSERT_PENDINGS =
  'INSERT INTO "pending_transfers" ("id", "debit_account_id", "credit_account_id", "amount", "currency", ' +
  '"status", "expires_at", "resolved_by", "resolved_at") SELECT * FROM unnest($1::uuid[], $2::uuid[], ' +
  '$3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[], $8::uuid[], $9::timestamptz[]) ' +
  'ON CONFLICT ("id") DO UPDATE SET "status" = EXCLUDED."status", "resolved_by" = EXCLUDED."resolved_by", ' +
  '"resolved_at" = EXCLUDED."resolved_at"';
const UPDATE_ACCOUNTS =
  'UPDATE "ledger_accounts" AS a SET "debits_pending" = u.debits_pending, "debits_posted" = u.debits_posted, ' +
  '"credits_pending" = u.credits_pending, "credits_posted" = u.credits_posted, "last_sequence" = u.last_sequence ' +
  'FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) ' +
  'AS u(id, debits_pending, debits_posted, credits_pending, credits_posted, last_sequence) WHERE a."id" = u.id';
const INSERT_HISTORY =
  'INSERT INTO "balance_history" ("account_id", "sequence", "transfer_id", "debits_pending", "debits_posted", ' +
  '"credits_pending", "credits_posted", "created_at") SELECT u.*, $8::timestamptz FROM unnest($1::uuid[], ' +
  '$2::bigint[], $3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) AS u';

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

interface PendingRow {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  status: PendingStatus;
  expires_at: Date | null;
}

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

/** The chain's last link (null before the first). */
export interface ChainHead {
  sequence: bigint;
  hash: Buffer;
}

export interface LinkWrite {
  sequence: bigint;
  createdAt: Date;
  transferCount: number;
  digest: Buffer;
  prevHash: Buffer;
  hash: Buffer;
}

/** The ledger writer's statements: every read locks what the batch will change, every write is one statement. */
@Injectable()
export class LedgerWriteRepository {
  /** The accounts of the pending transfers named (immutable columns: safe to read before any lock). */
  async pendingAccounts(manager: EntityManager, pendingIds: readonly string[]): Promise<string[]> {
    if (pendingIds.length === 0) return [];
    const rows = await manager.query<Array<Pick<PendingRow, 'debit_account_id' | 'credit_account_id'>>>(
      PENDING_ACCOUNTS,
      [pendingIds],
    );
    return rows.flatMap((row) => [row.debit_account_id, row.credit_account_id]);
  }

  async lockAccounts(manager: EntityManager, ids: readonly string[]): Promise<Map<string, LockedAccount>> {
    const accounts = new Map<string, LockedAccount>();
    if (ids.length === 0) return accounts;
    const rows = await manager.query<LockedAccountRow[]>(LOCK_ACCOUNTS, [ids]);
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

  async lockPendings(manager: EntityManager, ids: readonly string[]): Promise<Map<string, PendingState>> {
    const pendings = new Map<string, PendingState>();
    if (ids.length === 0) return pendings;
    const rows = await manager.query<PendingRow[]>(LOCK_PENDINGS, [ids]);
    for (const row of rows) {
      pendings.set(row.id, {
        id: row.id,
        debitAccountId: row.debit_account_id,
        creditAccountId: row.credit_account_id,
        amount: BigInt(row.amount),
        currency: row.currency,
        status: row.status,
        expiresAt: row.expires_at,
      });
    }
    return pendings;
  }

  async existingTransfers(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<Map<string, StoredTransfer>> {
    const existing = new Map<string, StoredTransfer>();
    if (ids.length === 0) return existing;
    const rows = await manager.query<TransferRow[]>(EXISTING_TRANSFERS, [ids]);
    for (const row of rows) existing.set(row.id, storedTransferOf(row));
    return existing;
  }

  async updateAccounts(
    manager: EntityManager,
    accounts: ReadonlyArray<{ state: AccountState; lastSequence: bigint }>,
  ): Promise<void> {
    if (accounts.length === 0) return;
    await manager.query(UPDATE_ACCOUNTS, [
      accounts.map((a) => a.state.id),
      accounts.map((a) => a.state.debitsPending.toString()),
      accounts.map((a) => a.state.debitsPosted.toString()),
      accounts.map((a) => a.state.creditsPending.toString()),
      accounts.map((a) => a.state.creditsPosted.toString()),
      accounts.map((a) => a.lastSequence.toString()),
    ]);
  }

  async writePendings(manager: EntityManager, pendings: readonly PendingWrite[]): Promise<void> {
    if (pendings.length === 0) return;
    await manager.query(UPSERT_PENDINGS, [
      pendings.map((p) => p.state.id),
      pendings.map((p) => p.state.debitAccountId),
      pendings.map((p) => p.state.creditAccountId),
      pendings.map((p) => p.state.amount.toString()),
      pendings.map((p) => p.state.currency),
      pendings.map((p) => p.state.status),
      pendings.map((p) => p.state.expiresAt?.toISOString() ?? null),
      pendings.map((p) => p.resolvedBy),
      pendings.map((p) => p.resolvedAt?.toISOString() ?? null),
    ]);
  }

  async insertHistory(manager: EntityManager, rows: readonly HistoryWrite[], createdAt: Date): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(INSERT_HISTORY, [
      rows.map((r) => r.change.accountId),
      rows.map((r) => r.sequence.toString()),
      rows.map((r) => r.change.transferId),
      rows.map((r) => r.change.debitsPending.toString()),
      rows.map((r) => r.change.debitsPosted.toString()),
      rows.map((r) => r.change.creditsPending.toString()),
      rows.map((r) => r.change.creditsPosted.toString()),
      createdAt.toISOString(),
    ]);
  }

  /** Takes the chain lock (held until the transaction ends) and reads the last link under it. */
  async lockChain(manager: EntityManager): Promise<ChainHead | null> {
    await manager.query(CHAIN_LOCK);
    const [head] = await manager.query<Array<{ sequence: string; hash: Buffer }>>(CHAIN_HEAD);
    return head ? { sequence: BigInt(head.sequence), hash: head.hash } : null;
  }

  async insertLink(manager: EntityManager, link: LinkWrite): Promise<void> {
    await manager.query(INSERT_LINK, [
      link.sequence.toString(),
      link.createdAt.toISOString(),
      link.transferCount,
      link.digest,
      link.prevHash,
      link.hash,
    ]);
  }

  /** In batch order: `batch_index` 1, 2, 3, ... is the order the link's digest covers. */
  async insertTransfers(
    manager: EntityManager,
    transfers: readonly StoredTransfer[],
    batchSequence: bigint,
  ): Promise<void> {
    await manager.query(INSERT_TRANSFERS, [
      transfers.map((t) => t.id),
      transfers.map((t) => t.kind),
      transfers.map((t) => t.debitAccountId),
      transfers.map((t) => t.creditAccountId),
      transfers.map((t) => t.amount.toString()),
      transfers.map((t) => t.currency),
      transfers.map((t) => t.code),
      transfers.map((t) => t.pendingId),
      transfers.map((t) => t.timeoutAt?.toISOString() ?? null),
      transfers.map((t) => t.reference),
      transfers.map((t) => t.description),
      transfers.map((t) => JSON.stringify(t.metadata)),
      transfers.map((t) => t.createdAt.toISOString()),
      batchSequence.toString(),
    ]);
  }
}
