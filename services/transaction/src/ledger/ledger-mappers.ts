import { type LedgerAccount, type LedgerAccountType, type Transfer } from '@kasho/contracts';
import { type StoredTransfer } from './engine/engine.types';

/** A `transfers` row as the ledger's statements select it (bigint and uuid as strings, times as Dates). */
export interface TransferRow {
  id: string;
  kind: StoredTransfer['kind'];
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  code: number;
  pending_id: string | null;
  timeout_at: Date | null;
  reference: string;
  description: string;
  metadata: Record<string, string>;
  created_at: Date;
}

/** A `ledger_accounts` row. */
export interface AccountRow {
  id: string;
  type: LedgerAccountType;
  currency: string;
  debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  last_sequence: string;
  closed_at: Date | null;
  metadata: Record<string, string>;
  created_at: Date;
}

export const TRANSFER_COLUMNS =
  '"id", "kind", "debit_account_id", "credit_account_id", "amount", "currency", "code", "pending_id", ' +
  '"timeout_at", "reference", "description", "metadata", "created_at"';

export const ACCOUNT_COLUMNS =
  '"id", "type", "currency", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits", ' +
  '"debits_pending", "debits_posted", "credits_pending", "credits_posted", "last_sequence", "closed_at", ' +
  '"metadata", "created_at"';

export function storedTransferOf(row: TransferRow): StoredTransfer {
  return {
    id: row.id,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    currency: row.currency,
    code: row.code,
    pendingId: row.pending_id,
    timeoutAt: row.timeout_at,
    reference: row.reference,
    description: row.description,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}

/** The contract's form: amounts as strings of digits, times as RFC 3339. */
export function transferOf(transfer: StoredTransfer): Transfer {
  return {
    id: transfer.id,
    kind: transfer.kind,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: transfer.amount.toString(),
    currency: transfer.currency,
    code: transfer.code,
    pendingId: transfer.pendingId,
    timeoutAt: transfer.timeoutAt?.toISOString() ?? null,
    reference: transfer.reference,
    description: transfer.description,
    metadata: transfer.metadata,
    createdAt: transfer.createdAt.toISOString(),
  };
}

export function ledgerAccountOf(row: AccountRow): LedgerAccount {
  return {
    id: row.id,
    type: row.type,
    currency: row.currency,
    flags: {
      debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
      creditsMustNotExceedDebits: row.credits_must_not_exceed_debits,
    },
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
    balance: (BigInt(row.credits_posted) - BigInt(row.debits_posted)).toString(),
    closed: row.closed_at !== null,
    createdAt: row.created_at.toISOString(),
    metadata: row.metadata,
  };
}
