import {
  type AccountResult,
  type CloseAccountRequest,
  type CloseAccountResponse,
  type CreateAccountsRequest,
  type CreateAccountsResponse,
  type CreateLedgerAccount,
  LEDGER_ACCOUNT_TYPES,
  type LookupAccountsRequest,
  type LookupAccountsResponse,
} from '@kasho/contracts';
import { Injectable } from '@nestjs/common';
import { isCanonicalUuid } from '../ledger-ids';
import { type AccountRow, ledgerAccountOf } from '../ledger-mappers';
import { containsNul, invalid, isRecord, requireArray } from '../ledger-validation';
import { AccountsRepository } from './accounts.repository';

/** Accounts per create or lookup call. */
export const MAX_ACCOUNTS_PER_REQUEST = 8000;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_METADATA_ENTRIES = 32;

/**
 * Ledger accounts: created idempotently (the same id with the same fields answers `exists`; with different ones
 * `exists_with_different_fields` naming the first), looked up by id. Balances change only through the writer.
 */
@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsRepository) {}

  async create(request: CreateAccountsRequest): Promise<CreateAccountsResponse> {
    if (!isRecord(request)) throw invalid('', 'must be an object');
    const asked = requireArray(request.accounts, '/accounts', MAX_ACCOUNTS_PER_REQUEST);
    if (containsNul(asked)) throw invalid('/accounts', 'text must not contain NUL characters');
    const valid = asked.filter(isValidAccount);
    const inserted = await this.accounts.insertMissing(valid);
    const stored = new Map((await this.accounts.findByIds(valid.map((a) => a.id))).map((r) => [r.id, r]));
    // `created` for the first mention of an id this call inserted, `exists` for every other equal one.
    const firstSeen = new Set<string>();
    const results: AccountResult[] = asked.map((account, index) => {
      if (!isValidAccount(account)) return { id: idOf(account, index), result: 'invalid_account' };
      const row = stored.get(account.id);
      if (!row) return { id: account.id, result: 'invalid_account' };
      const field = firstDifference(account, row);
      if (field) return { id: account.id, result: 'exists_with_different_fields', field };
      const result = firstSeen.has(account.id) || !inserted.has(account.id) ? 'exists' : 'created';
      firstSeen.add(account.id);
      return { id: account.id, result, account: ledgerAccountOf(row) };
    });
    return { results };
  }

  /** Closes an empty account (see `CloseAccountRequest`); the emptiness check and the close are one statement. */
  async close(request: CloseAccountRequest): Promise<CloseAccountResponse> {
    if (!isRecord(request) || !isCanonicalUuid(request.id)) throw invalid('/id', 'must be a lower-case UUID');
    const closedNow = await this.accounts.closeIfEmpty(request.id);
    const [row] = await this.accounts.findByIds([request.id]);
    if (!row) return { id: request.id, result: 'account_not_found' };
    const account = ledgerAccountOf(row);
    if (closedNow) return { id: row.id, result: 'closed', account };
    return { id: row.id, result: account.closed ? 'already_closed' : 'not_empty', account };
  }

  /** The accounts found, in the order asked; unknown ids are left out. */
  async lookup(request: LookupAccountsRequest): Promise<LookupAccountsResponse> {
    if (!isRecord(request)) throw invalid('', 'must be an object');
    const ids = requireArray(request.ids, '/ids', MAX_ACCOUNTS_PER_REQUEST).filter(isCanonicalUuid);
    const found = new Map((await this.accounts.findByIds(ids)).map((row) => [row.id, row]));
    const seen = new Set<string>();
    const accounts = [];
    for (const id of ids) {
      const row = found.get(id);
      if (row && !seen.has(id)) accounts.push(ledgerAccountOf(row));
      seen.add(id);
    }
    return { accounts };
  }
}

function idOf(account: unknown, index: number): string {
  return isRecord(account) && typeof account.id === 'string' ? account.id : `#${index}`;
}

function isValidAccount(value: unknown): value is CreateLedgerAccount {
  if (!isRecord(value)) return false;
  const flags = value.flags;
  const metadata = value.metadata;
  return (
    isCanonicalUuid(value.id) &&
    typeof value.type === 'string' &&
    (LEDGER_ACCOUNT_TYPES as readonly string[]).includes(value.type) &&
    typeof value.currency === 'string' &&
    CURRENCY.test(value.currency) &&
    isRecord(flags) &&
    typeof flags.debitsMustNotExceedCredits === 'boolean' &&
    typeof flags.creditsMustNotExceedDebits === 'boolean' &&
    // Both at once would refuse every first transfer: nothing could ever move.
    !(flags.debitsMustNotExceedCredits && flags.creditsMustNotExceedDebits) &&
    (metadata === undefined ||
      (isRecord(metadata) &&
        Object.keys(metadata).length <= MAX_METADATA_ENTRIES &&
        Object.values(metadata).every((v) => typeof v === 'string')))
  );
}

function firstDifference(account: CreateLedgerAccount, row: AccountRow): string | undefined {
  if (account.type !== row.type) return 'type';
  if (account.currency !== row.currency) return 'currency';
  if (account.flags.debitsMustNotExceedCredits !== row.debits_must_not_exceed_credits)
    return 'flags.debitsMustNotExceedCredits';
  if (account.flags.creditsMustNotExceedDebits !== row.credits_must_not_exceed_debits)
    return 'flags.creditsMustNotExceedDebits';
  if (!sameMetadata(account.metadata ?? {}, row.metadata)) return 'metadata';
  return undefined;
}

function sameMetadata(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
