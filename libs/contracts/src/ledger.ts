import { defineEvent } from './events';
import { defineRpc } from './rpc';

/**
 * The ledger (transaction service): double-entry accounts and immutable transfers with TigerBeetle's semantics,
 * stored in PostgreSQL. Amounts are strings of digits in the currency's minor units (bigint on both ends, never a
 * JSON number); ids are UUIDs chosen by the caller, which makes every create idempotent.
 */

export const LEDGER_ACCOUNT_TYPES = [
  'customer_wallet',
  'settlement',
  'fees',
  'provider_clearing',
  'payouts_in_transit',
  'fx',
] as const;
export type LedgerAccountType = (typeof LEDGER_ACCOUNT_TYPES)[number];

/** Operator account types: one per currency, created by migration; money enters and leaves the ledger through them. */
export const OPERATOR_ACCOUNT_TYPES: readonly LedgerAccountType[] = [
  'settlement',
  'fees',
  'provider_clearing',
  'payouts_in_transit',
  'fx',
];

export interface LedgerAccountFlags {
  /** debits_pending + debits_posted may never exceed credits_posted (a customer wallet: no overdraft). */
  debitsMustNotExceedCredits: boolean;
  /** credits_pending + credits_posted may never exceed debits_posted. */
  creditsMustNotExceedDebits: boolean;
}

export interface CreateLedgerAccount {
  id: string;
  type: LedgerAccountType;
  currency: string;
  flags: LedgerAccountFlags;
  /** Free-form, small (owner ids, labels); never personal data. */
  metadata?: Record<string, string>;
}

export interface LedgerAccount {
  id: string;
  type: LedgerAccountType;
  currency: string;
  flags: LedgerAccountFlags;
  debitsPending: string;
  debitsPosted: string;
  creditsPending: string;
  creditsPosted: string;
  /** credits_posted − debits_posted, signed (a string of an optional '-' and digits). */
  balance: string;
  closed: boolean;
  createdAt: string;
  metadata: Record<string, string>;
}

/**
 * What a transfer does: `single` moves posted funds; `pending` holds them (pending columns, optionally until
 * `timeoutSeconds`); `post_pending` posts all or part of a pending transfer (`pendingId`; `amount` absent or 0
 * means all; the rest is released); `void_pending` releases it. The pending transfer's accounts and currency apply
 * to post/void; their own `debitAccountId`/`creditAccountId`, if given, must match.
 */
export const TRANSFER_KINDS = ['single', 'pending', 'post_pending', 'void_pending'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

export interface CreateTransfer {
  id: string;
  kind: TransferKind;
  debitAccountId?: string;
  creditAccountId?: string;
  amount?: string;
  currency?: string;
  /** A business code (e.g. 1 p2p, 2 top-up, 3 payout, 4 fee, 9 admin adjustment); 1–65535. */
  code: number;
  pendingId?: string;
  /** `pending` only: voided automatically this many seconds after creation. */
  timeoutSeconds?: number;
  /** All-or-nothing with the next transfer of the same request; the last of a chain has `linked` false. */
  linked?: boolean;
  reference: string;
  description: string;
  metadata?: Record<string, string>;
}

export interface Transfer {
  id: string;
  kind: TransferKind | 'expire_pending';
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  currency: string;
  code: number;
  pendingId: string | null;
  timeoutAt: string | null;
  reference: string;
  description: string;
  metadata: Record<string, string>;
  createdAt: string;
}

/**
 * Per-transfer outcome codes (the batch answers one per transfer, in order). `created` and `exists` (the same id
 * with the same fields, created earlier) are successes; everything else created nothing.
 */
export const TRANSFER_RESULTS = [
  'created',
  'exists',
  'exists_with_different_fields',
  'linked_event_failed',
  'linked_chain_open',
  'invalid_transfer',
  'accounts_must_be_different',
  'account_not_found',
  'account_closed',
  'currency_mismatch',
  'amount_must_be_positive',
  'overflow',
  'exceeds_credits',
  'exceeds_debits',
  'pending_transfer_not_found',
  'pending_transfer_not_pending',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'pending_transfer_expired',
  'exceeds_pending_transfer_amount',
] as const;
export type TransferResultCode = (typeof TRANSFER_RESULTS)[number];

export interface TransferResult {
  id: string;
  result: TransferResultCode;
  /** `exists_with_different_fields`: the first field that differs (`amount`, `debitAccountId`, ...). */
  field?: string;
  /** On `created` and `exists`: the transfer as stored. */
  transfer?: Transfer;
}

export interface CreateAccountsRequest {
  accounts: CreateLedgerAccount[];
}
export interface AccountResult {
  id: string;
  result: 'created' | 'exists' | 'exists_with_different_fields' | 'invalid_account';
  field?: string;
  account?: LedgerAccount;
}
export interface CreateAccountsResponse {
  results: AccountResult[];
}

/** At most MAX_TRANSFERS_PER_REQUEST per call. */
export interface CreateTransfersRequest {
  transfers: CreateTransfer[];
}
export interface CreateTransfersResponse {
  results: TransferResult[];
}
export const MAX_TRANSFERS_PER_REQUEST = 8000;

/**
 * Several independent `createTransfers` requests in one message (what a client's concurrent callers send together,
 * see `@kasho/ledger-client`): each keeps its own boundaries (a linked chain never spans two of them), its own
 * correlation id (its events carry it) and its own answer, exactly as if sent alone. At most
 * MAX_TRANSFERS_PER_REQUEST transfers in all.
 */
export interface CreateTransferBatchesRequest {
  requests: Array<CreateTransfersRequest & { correlationId?: string }>;
}
/** One answer per request, in order: its results, or the error it alone would have answered (a DomainError's JSON). */
export type CreateTransfersAnswer =
  | CreateTransfersResponse
  | {
      error: {
        code: string;
        detail: string;
        errors?: Array<{ pointer: string; detail: string }>;
        retryable?: boolean;
        status?: number;
      };
    };
export interface CreateTransferBatchesResponse {
  answers: CreateTransfersAnswer[];
}

export interface LookupTransfersRequest {
  ids: string[];
}
export interface LookupTransfersResponse {
  transfers: Transfer[];
}

/**
 * Closes a ledger account, only when it is empty (nothing posted on balance, nothing pending either way), in one
 * conditional statement: a transfer that commits first makes it `not_empty`; once closed, transfers naming it fail
 * `account_closed` (a void or an expiry still releases a hold). Closing a closed account answers `already_closed`.
 */
export interface CloseAccountRequest {
  id: string;
}
export interface CloseAccountResponse {
  id: string;
  result: 'closed' | 'already_closed' | 'not_empty' | 'account_not_found';
  account?: LedgerAccount;
}

export interface LookupAccountsRequest {
  ids: string[];
}
export interface LookupAccountsResponse {
  accounts: LedgerAccount[];
}

export interface ListAccountsRequest {
  type?: LedgerAccountType;
  currency?: string;
  limit: number;
  cursor?: string;
}
export interface ListAccountsResponse {
  data: LedgerAccount[];
  nextCursor: string | null;
}

/** `at` absent: now. Otherwise the balance right after the last change at or before `at` (RFC 3339). */
export interface BalanceRequest {
  accountId: string;
  at?: string;
}
export interface Balance {
  accountId: string;
  currency: string;
  debitsPending: string;
  debitsPosted: string;
  creditsPending: string;
  creditsPosted: string;
  /** credits_posted − debits_posted. */
  posted: string;
  /** posted − debits_pending: what can be spent now. */
  available: string;
  asOf: string;
}

export interface StatementRequest {
  accountId: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}
export interface StatementLine {
  transferId: string;
  kind: Transfer['kind'];
  /** Signed from the account's point of view: credits positive, debits negative. */
  amount: string;
  /** posted balance after this line (credits_posted − debits_posted). */
  balanceAfter: string;
  pendingAfter: string;
  counterpartyAccountId: string;
  code: number;
  reference: string;
  description: string;
  at: string;
}
export interface Statement {
  accountId: string;
  currency: string;
  /** Newest first. */
  data: StatementLine[];
  nextCursor: string | null;
}

export interface ReconciliationRequest {
  at?: string;
}
export interface Reconciliation {
  asOf: string;
  balanced: boolean;
  currencies: Array<{
    currency: string;
    debitsPosted: string;
    creditsPosted: string;
    debitsPending: string;
    creditsPending: string;
    balanced: boolean;
  }>;
}

/**
 * A back-office adjustment by a staff member (`POST /v1/admin/ledger/transfers`): one `single` transfer whose id is
 * derived from the actor and the Idempotency-Key (a retry finds the same transfer), audited in the same database
 * transaction as the transfer.
 */
export interface AdminTransferRequest {
  actorId: string;
  idempotencyKey: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  currency: string;
  reason: string;
  ip?: string;
  requestId?: string;
}

export const ledgerRpc = {
  createAccounts: defineRpc<CreateAccountsRequest, CreateAccountsResponse>('transaction', 'accounts.create'),
  lookupAccounts: defineRpc<LookupAccountsRequest, LookupAccountsResponse>('transaction', 'accounts.lookup'),
  listAccounts: defineRpc<ListAccountsRequest, ListAccountsResponse>('transaction', 'accounts.list'),
  closeAccount: defineRpc<CloseAccountRequest, CloseAccountResponse>('transaction', 'accounts.close'),
  createTransfers: defineRpc<CreateTransfersRequest, CreateTransfersResponse>(
    'transaction',
    'transfers.create',
  ),
  createTransferBatches: defineRpc<CreateTransferBatchesRequest, CreateTransferBatchesResponse>(
    'transaction',
    'transfers.create-batches',
  ),
  lookupTransfers: defineRpc<LookupTransfersRequest, LookupTransfersResponse>(
    'transaction',
    'transfers.lookup',
  ),
  balance: defineRpc<BalanceRequest, Balance>('transaction', 'balances.get'),
  statement: defineRpc<StatementRequest, Statement>('transaction', 'statements.get'),
  reconciliation: defineRpc<ReconciliationRequest, Reconciliation>('transaction', 'reconciliation.get'),
  adminTransfer: defineRpc<AdminTransferRequest, Transfer>('transaction', 'transfers.admin-create'),
} as const;

/** Every transfer event names both accounts and their balances right after it. */
export interface TransferEventPayload {
  transfer: Transfer;
  debitAccount: {
    id: string;
    debitsPending: string;
    debitsPosted: string;
    creditsPending: string;
    creditsPosted: string;
  };
  creditAccount: {
    id: string;
    debitsPending: string;
    debitsPosted: string;
    creditsPending: string;
    creditsPosted: string;
  };
}

export const ledgerEvents = {
  transferCreated: defineEvent<TransferEventPayload>('transaction.transfer.created.v1'),
  transferPosted: defineEvent<TransferEventPayload>('transaction.transfer.posted.v1'),
  transferVoided: defineEvent<TransferEventPayload>('transaction.transfer.voided.v1'),
  transferExpired: defineEvent<TransferEventPayload>('transaction.transfer.expired.v1'),
} as const;
