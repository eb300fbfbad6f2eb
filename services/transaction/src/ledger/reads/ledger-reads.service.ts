import {
  type Balance,
  type BalanceRequest,
  type ListAccountsRequest,
  type ListAccountsResponse,
  type Reconciliation,
  type ReconciliationRequest,
  type Statement,
  type StatementLine,
  type StatementRequest,
  type Transfer,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Injectable } from '@nestjs/common';
import { encodeAccountsCursor, encodeStatementCursor } from './ledger-cursors';
import {
  parseAccountsQuery,
  parseBalanceQuery,
  parseReconciliationQuery,
  parseStatementQuery,
} from './ledger-read-queries';
import { type AccountRow, ledgerAccountOf } from '../ledger-mappers';
import { type BalanceColumns, LedgerReadsRepository, type StatementRow } from './ledger-reads.repository';

const ZERO: BalanceColumns = {
  debitsPending: '0',
  debitsPosted: '0',
  creditsPending: '0',
  creditsPosted: '0',
};

/**
 * Balances (now and at a time), statements, the ledger account list and the trial balance. Every figure is exact
 * bigint arithmetic on what the write path stored; nothing here writes.
 */
@Injectable()
export class LedgerReadsService {
  constructor(private readonly ledger: LedgerReadsRepository) {}

  async balance(request: BalanceRequest): Promise<Balance> {
    const query = parseBalanceQuery(request);
    const account = await this.existingAccount(query.accountId);
    if (query.at === undefined) {
      const now: BalanceColumns = {
        debitsPending: account.debits_pending,
        debitsPosted: account.debits_posted,
        creditsPending: account.credits_pending,
        creditsPosted: account.credits_posted,
      };
      return toBalance(account, now, new Date().toISOString());
    }
    // Before the account's first change there is no row: every column was zero then.
    const columns = (await this.ledger.balanceAt(account.id, query.at)) ?? ZERO;
    return toBalance(account, columns, new Date(query.at).toISOString());
  }

  async statement(request: StatementRequest): Promise<Statement> {
    const query = parseStatementQuery(request);
    const account = await this.existingAccount(query.accountId);
    const empty: Statement = {
      accountId: account.id,
      currency: account.currency,
      data: [],
      nextCursor: null,
    };
    let highest =
      query.beforeSequence === undefined ? MAX_SEQUENCE : (BigInt(query.beforeSequence) - 1n).toString();
    let lowest = '1';
    if (query.to !== undefined) {
      const last = await this.ledger.lastSequenceAtOrBefore(account.id, query.to);
      if (last === undefined) return empty;
      if (BigInt(last) < BigInt(highest)) highest = last;
    }
    if (query.from !== undefined) {
      const first = await this.ledger.firstSequenceAtOrAfter(account.id, query.from);
      if (first === undefined) return empty;
      lowest = first;
    }
    if (BigInt(highest) < BigInt(lowest)) return empty;
    // One more than asked tells whether a next page exists without a second query.
    const rows = await this.ledger.statementPage(account.id, highest, lowest, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      ...empty,
      data: page.map((row) => toStatementLine(account.id, row)),
      nextCursor: rows.length > query.limit && last ? encodeStatementCursor(account.id, last.sequence) : null,
    };
  }

  async listAccounts(request: ListAccountsRequest): Promise<ListAccountsResponse> {
    const query = parseAccountsQuery(request);
    const rows = await this.ledger.accountsPage(query.type, query.currency, query.afterId, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map(ledgerAccountOf),
      nextCursor: rows.length > query.limit && last ? encodeAccountsCursor(last.id) : null,
    };
  }

  async reconciliation(request: ReconciliationRequest | undefined): Promise<Reconciliation> {
    const query = parseReconciliationQuery(request);
    let asOf: string;
    let rows;
    if (query.at === undefined) {
      const now = await this.ledger.totalsNow();
      asOf = now.asOf.toISOString();
      rows = now.rows;
    } else {
      asOf = new Date(query.at).toISOString();
      rows = await this.ledger.totalsAt(query.at);
    }
    const currencies = rows.map((row) => ({
      currency: row.currency,
      debitsPosted: row.debitsPosted,
      creditsPosted: row.creditsPosted,
      debitsPending: row.debitsPending,
      creditsPending: row.creditsPending,
      balanced:
        BigInt(row.debitsPosted) === BigInt(row.creditsPosted) &&
        BigInt(row.debitsPending) === BigInt(row.creditsPending),
    }));
    return { asOf, balanced: currencies.every((currency) => currency.balanced), currencies };
  }

  private async existingAccount(id: string): Promise<AccountRow> {
    const account = await this.ledger.account(id);
    if (account === undefined) throw new DomainError(ErrorCode.NotFound, 'No such ledger account.');
    return account;
  }
}

const MAX_SEQUENCE = (2n ** 63n - 1n).toString();

function toBalance(account: AccountRow, columns: BalanceColumns, asOf: string): Balance {
  const posted = BigInt(columns.creditsPosted) - BigInt(columns.debitsPosted);
  return {
    accountId: account.id,
    currency: account.currency,
    debitsPending: columns.debitsPending,
    debitsPosted: columns.debitsPosted,
    creditsPending: columns.creditsPending,
    creditsPosted: columns.creditsPosted,
    posted: posted.toString(),
    available: (posted - BigInt(columns.debitsPending)).toString(),
    asOf,
  };
}

/**
 * One line from the account's point of view: the transfer's amount, positive when the account is credited and
 * negative when debited (a pending, void or expiry line moves the pending columns, not the posted balance: its
 * `kind` says so, and `pendingAfter` shows the effect). `pendingAfter` is credits_pending − debits_pending, signed
 * like the posted balance.
 */
function toStatementLine(accountId: string, row: StatementRow): StatementLine {
  const credited = row.creditAccountId === accountId;
  return {
    transferId: row.transferId,
    kind: row.kind as Transfer['kind'],
    amount: credited ? row.amount : `-${row.amount}`,
    balanceAfter: (BigInt(row.creditsPosted) - BigInt(row.debitsPosted)).toString(),
    pendingAfter: (BigInt(row.creditsPending) - BigInt(row.debitsPending)).toString(),
    counterpartyAccountId: credited ? row.debitAccountId : row.creditAccountId,
    code: row.code,
    reference: row.reference,
    description: row.description,
    at: row.createdAt.toISOString(),
  };
}
