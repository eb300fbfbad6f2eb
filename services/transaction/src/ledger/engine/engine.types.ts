import type { CreateTransfer, LedgerAccountFlags, TransferKind, TransferResultCode } from '@kasho/contracts';

/**
 * The ledger engine's inputs and outputs. The engine (`applyBatch`) is pure: given the state of the accounts and
 * pending transfers a batch touches, as locked in the database, and the transfers of many requests, it decides
 * each transfer's result and returns every change to write. The writer persists the outcome in one database
 * transaction; nothing here knows about SQL, time zones or the network. Money is bigint throughout.
 */

/** An account as the batch found it (locked FOR UPDATE, in id order), and as the engine leaves it. */
export interface AccountState {
  id: string;
  currency: string;
  flags: LedgerAccountFlags;
  closed: boolean;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export type PendingStatus = 'pending' | 'posted' | 'voided' | 'expired';

/** A pending transfer's mutable side (transfers themselves are immutable rows). */
export interface PendingState {
  /** The pending transfer's id. */
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: string;
  status: PendingStatus;
  /** When it is voided automatically; null without a timeout. */
  expiresAt: Date | null;
}

/** A transfer as stored (or as created by this batch). */
export interface StoredTransfer {
  id: string;
  kind: TransferKind | 'expire_pending';
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: string;
  code: number;
  pendingId: string | null;
  timeoutAt: Date | null;
  reference: string;
  description: string;
  metadata: Record<string, string>;
  createdAt: Date;
}

/** One caller's request: its transfers in order; `linked` chains never cross requests. */
export interface BatchRequest {
  transfers: CreateTransfer[];
}

/**
 * The expiry job's request: void these pending transfers because their timeout passed. Each becomes an
 * `expire_pending` transfer with a fresh id (given), unless the pending transfer is no longer pending.
 */
export interface ExpiryRequest {
  expirations: Array<{ id: string; pendingId: string }>;
}

export interface BatchInput {
  requests: Array<BatchRequest | ExpiryRequest>;
  /** Every account any transfer of the batch names (missing ids are unknown accounts). */
  accounts: ReadonlyMap<string, AccountState>;
  /** Every pending transfer any post/void/expiry names. */
  pendings: ReadonlyMap<string, PendingState>;
  /** Transfers already stored whose ids the batch uses (for idempotency). */
  existing: ReadonlyMap<string, StoredTransfer>;
  /** The batch's time: created_at of every transfer it creates; expiry decisions compare with it. */
  now: Date;
}

/** One balance change of one account, in the order the batch applied them: the history row. */
export interface BalanceChange {
  accountId: string;
  transferId: string;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface TransferOutcome {
  id: string;
  result: TransferResultCode;
  field?: string;
  /** On created and exists. */
  transfer?: StoredTransfer;
}

export interface BatchOutcome {
  /** Per request, per transfer (expiry requests: per expiration), in input order. */
  results: TransferOutcome[][];
  /** Transfers to insert, in the order they were applied. */
  created: StoredTransfer[];
  /** Account rows to update: only the accounts that changed, with their final values. */
  accounts: AccountState[];
  /** Pending rows to insert (new pending transfers) or update (posted/voided/expired), final values. */
  pendings: PendingState[];
  /** History rows, one per account per created transfer that changed it, in application order. */
  changes: BalanceChange[];
}

export const MAX_AMOUNT = 2n ** 63n - 1n;
