import {
  type BalanceRequest,
  LEDGER_ACCOUNT_TYPES,
  type LedgerAccountType,
  type ListAccountsRequest,
  type ReconciliationRequest,
  type StatementRequest,
} from '@kasho/contracts';
import { DomainError, ErrorCode, type FieldError } from '@kasho/errors';
import { ISO_4217_CODES, parseCurrency } from '@kasho/money';
import { decodeAccountsCursor, decodeStatementCursor } from './ledger-cursors';

// The reads validate their RPC input again, where the rules are owned: the gateway checks shapes, but other
// services call these RPCs directly. Each refusal is 422 with a JSON Pointer per bad field.

export const LEDGER_LIST_MAX_LIMIT = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 3339 date-time (with a zone); PostgreSQL parses the same text, so sub-millisecond precision is kept.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const ISO_CODES: ReadonlySet<string> = new Set(ISO_4217_CODES);

export interface BalanceQuery {
  accountId: string;
  /** RFC 3339 text as given, or undefined for now. */
  at: string | undefined;
}

export interface StatementQuery {
  accountId: string;
  from: string | undefined;
  to: string | undefined;
  limit: number;
  /** Lines strictly below this sequence (from the cursor). */
  beforeSequence: string | undefined;
}

export interface AccountsQuery {
  type: LedgerAccountType | undefined;
  currency: string | undefined;
  limit: number;
  afterId: string | undefined;
}

export interface ReconciliationQuery {
  at: string | undefined;
}

type Fields<T> = Partial<Record<keyof T, unknown>>;

function fieldsOf<T>(request: unknown): Fields<T> {
  return typeof request === 'object' && request !== null ? request : {};
}

class Problems {
  readonly errors: FieldError[] = [];
  add(pointer: string, detail: string): void {
    this.errors.push({ pointer, detail });
  }
  throwIfAny(): void {
    if (this.errors.length > 0)
      throw new DomainError(ErrorCode.ValidationFailed, 'The request is not valid.', { errors: this.errors });
  }
}

function accountIdOf(value: unknown, problems: Problems): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  problems.add('/accountId', 'accountId must be a UUID.');
  return '';
}

function timeOf(value: unknown, pointer: string, problems: Problems): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value))) return value;
  problems.add(pointer, `${pointer.slice(1)} must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z.`);
  return undefined;
}

function limitOf(value: unknown, problems: Problems): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= LEDGER_LIST_MAX_LIMIT)
    return value;
  problems.add('/limit', `limit must be an integer from 1 to ${LEDGER_LIST_MAX_LIMIT}.`);
  return 0;
}

export function parseBalanceQuery(request: BalanceRequest): BalanceQuery {
  const fields = fieldsOf<BalanceRequest>(request);
  const problems = new Problems();
  const accountId = accountIdOf(fields.accountId, problems);
  const at = timeOf(fields.at, '/at', problems);
  problems.throwIfAny();
  return { accountId, at };
}

export function parseStatementQuery(request: StatementRequest): StatementQuery {
  const fields = fieldsOf<StatementRequest>(request);
  const problems = new Problems();
  const accountId = accountIdOf(fields.accountId, problems);
  const from = timeOf(fields.from, '/from', problems);
  const to = timeOf(fields.to, '/to', problems);
  if (from !== undefined && to !== undefined && Date.parse(from) > Date.parse(to))
    problems.add('/from', 'from must not be after to.');
  const limit = limitOf(fields.limit, problems);
  let beforeSequence: string | undefined;
  if (fields.cursor !== undefined && fields.cursor !== null) {
    beforeSequence =
      typeof fields.cursor === 'string' && accountId !== ''
        ? decodeStatementCursor(fields.cursor, accountId)
        : undefined;
    if (beforeSequence === undefined) problems.add('/cursor', 'cursor is not one this statement returned.');
  }
  problems.throwIfAny();
  return { accountId, from, to, limit, beforeSequence };
}

export function parseAccountsQuery(request: ListAccountsRequest): AccountsQuery {
  const fields = fieldsOf<ListAccountsRequest>(request);
  const problems = new Problems();
  let type: LedgerAccountType | undefined;
  if (fields.type !== undefined && fields.type !== null) {
    if ((LEDGER_ACCOUNT_TYPES as readonly unknown[]).includes(fields.type))
      type = fields.type as LedgerAccountType;
    else problems.add('/type', `type must be one of ${LEDGER_ACCOUNT_TYPES.join(', ')}.`);
  }
  const limit = limitOf(fields.limit, problems);
  let afterId: string | undefined;
  if (fields.cursor !== undefined && fields.cursor !== null) {
    afterId = typeof fields.cursor === 'string' ? decodeAccountsCursor(fields.cursor) : undefined;
    if (afterId === undefined) problems.add('/cursor', 'cursor is not one this list returned.');
  }
  problems.throwIfAny();
  // A filter may name any ISO 4217 currency (one not in use lists nothing); anything else is invalid_currency.
  const currency =
    fields.currency === undefined || fields.currency === null
      ? undefined
      : parseCurrency(fields.currency, { supported: ISO_CODES });
  return { type, currency, limit, afterId };
}

export function parseReconciliationQuery(request: ReconciliationRequest | undefined): ReconciliationQuery {
  const fields = fieldsOf<ReconciliationRequest>(request);
  const problems = new Problems();
  const at = timeOf(fields.at, '/at', problems);
  problems.throwIfAny();
  return { at };
}
