import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLUMNS, type AccountRow } from '../ledger-mappers';

/** The four balance columns as PostgreSQL hands bigints over: decimal strings. */
export interface BalanceColumns {
  debitsPending: string;
  debitsPosted: string;
  creditsPending: string;
  creditsPosted: string;
}

export interface StatementRow extends BalanceColumns {
  sequence: string;
  transferId: string;
  createdAt: Date;
  kind: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  code: number;
  reference: string;
  description: string;
}

export interface CurrencyTotalsRow extends BalanceColumns {
  currency: string;
}

const ACCOUNT = `SELECT ${ACCOUNT_COLUMNS} FROM "ledger_accounts" WHERE "id" = $1`;

// Balance at T: the account's last history row at or before T, one probe of (account_id, created_at).
const BALANCE_AT =
  'SELECT "debits_pending" AS "debitsPending", "debits_posted" AS "debitsPosted", ' +
  '"credits_pending" AS "creditsPending", "credits_posted" AS "creditsPosted" FROM "balance_history" ' +
  'WHERE "account_id" = $1 AND "created_at" <= $2::timestamptz ORDER BY "created_at" DESC, "sequence" DESC LIMIT 1';

// A time bound of a statement becomes a sequence bound (one probe of (account_id, created_at) each), so the page
// itself is a pure range scan of the primary key (account_id, sequence), however deep.
const LAST_SEQUENCE_AT_OR_BEFORE =
  'SELECT "sequence" FROM "balance_history" WHERE "account_id" = $1 AND "created_at" <= $2::timestamptz ' +
  'ORDER BY "created_at" DESC, "sequence" DESC LIMIT 1';
const FIRST_SEQUENCE_AT_OR_AFTER =
  'SELECT "sequence" FROM "balance_history" WHERE "account_id" = $1 AND "created_at" >= $2::timestamptz ' +
  'ORDER BY "created_at" ASC, "sequence" ASC LIMIT 1';

export const STATEMENT_PAGE =
  'SELECT h."sequence", h."transfer_id" AS "transferId", h."created_at" AS "createdAt", ' +
  'h."debits_pending" AS "debitsPending", h."debits_posted" AS "debitsPosted", ' +
  'h."credits_pending" AS "creditsPending", h."credits_posted" AS "creditsPosted", ' +
  't."kind", t."debit_account_id" AS "debitAccountId", t."credit_account_id" AS "creditAccountId", t."amount", ' +
  't."code", t."reference", t."description" ' +
  'FROM "balance_history" h JOIN "transfers" t ON t."id" = h."transfer_id" ' +
  'WHERE h."account_id" = $1 AND h."sequence" <= $2::bigint AND h."sequence" >= $3::bigint ' +
  'ORDER BY h."sequence" DESC LIMIT $4';

const ACCOUNTS_PAGE =
  `SELECT ${ACCOUNT_COLUMNS} FROM "ledger_accounts" ` +
  'WHERE ($1::text IS NULL OR "type" = $1::text) AND ($2::bpchar IS NULL OR "currency" = $2::bpchar) ' +
  'AND ($3::uuid IS NULL OR "id" > $3::uuid) ORDER BY "id" LIMIT $4';

// One statement: one snapshot of every account, so the totals are consistent with each other.
const TOTALS_NOW =
  'SELECT "currency", sum("debits_pending")::text AS "debitsPending", sum("debits_posted")::text AS "debitsPosted", ' +
  'sum("credits_pending")::text AS "creditsPending", sum("credits_posted")::text AS "creditsPosted", ' +
  'now() AS "asOf" FROM "ledger_accounts" GROUP BY "currency" ORDER BY "currency"';

// At T: each account's last history row at or before T (an index probe per account); none means zeros.
const TOTALS_AT =
  'SELECT a."currency", coalesce(sum(h."debits_pending"), 0)::text AS "debitsPending", ' +
  'coalesce(sum(h."debits_posted"), 0)::text AS "debitsPosted", ' +
  'coalesce(sum(h."credits_pending"), 0)::text AS "creditsPending", ' +
  'coalesce(sum(h."credits_posted"), 0)::text AS "creditsPosted" ' +
  'FROM "ledger_accounts" a LEFT JOIN LATERAL (SELECT b."debits_pending", b."debits_posted", ' +
  'b."credits_pending", b."credits_posted" FROM "balance_history" b WHERE b."account_id" = a."id" ' +
  'AND b."created_at" <= $1::timestamptz ORDER BY b."created_at" DESC, b."sequence" DESC LIMIT 1) h ON true ' +
  'GROUP BY a."currency" ORDER BY a."currency"';

/**
 * The ledger's read side: only SELECTs (the write path owns every change). Ledger accounts are the platform's, not
 * a customer's: ownership is checked by the account service before it asks, so no owner key is taken here.
 */
@Injectable()
export class LedgerReadsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async account(id: string): Promise<AccountRow | undefined> {
    const rows = await this.dataSource.query<AccountRow[]>(ACCOUNT, [id]);
    return rows[0];
  }

  async balanceAt(accountId: string, at: string): Promise<BalanceColumns | undefined> {
    const rows = await this.dataSource.query<BalanceColumns[]>(BALANCE_AT, [accountId, at]);
    return rows[0];
  }

  async lastSequenceAtOrBefore(accountId: string, at: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<Array<{ sequence: string }>>(LAST_SEQUENCE_AT_OR_BEFORE, [
      accountId,
      at,
    ]);
    return rows[0]?.sequence;
  }

  async firstSequenceAtOrAfter(accountId: string, at: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<Array<{ sequence: string }>>(FIRST_SEQUENCE_AT_OR_AFTER, [
      accountId,
      at,
    ]);
    return rows[0]?.sequence;
  }

  /** Up to `limit` lines, newest first, with `lowest <= sequence <= highest`. */
  statementPage(accountId: string, highest: string, lowest: string, limit: number): Promise<StatementRow[]> {
    return this.dataSource.query<StatementRow[]>(STATEMENT_PAGE, [accountId, highest, lowest, limit]);
  }

  accountsPage(
    type: string | undefined,
    currency: string | undefined,
    afterId: string | undefined,
    limit: number,
  ): Promise<AccountRow[]> {
    return this.dataSource.query<AccountRow[]>(ACCOUNTS_PAGE, [
      type ?? null,
      currency ?? null,
      afterId ?? null,
      limit,
    ]);
  }

  async totalsNow(): Promise<{ asOf: Date; rows: CurrencyTotalsRow[] }> {
    const rows = await this.dataSource.query<Array<CurrencyTotalsRow & { asOf: Date }>>(TOTALS_NOW);
    if (rows.length > 0) return { asOf: rows[0].asOf, rows };
    const [{ now }] = await this.dataSource.query<Array<{ now: Date }>>('SELECT now() AS "now"');
    return { asOf: now, rows: [] };
  }

  totalsAt(at: string): Promise<CurrencyTotalsRow[]> {
    return this.dataSource.query<CurrencyTotalsRow[]>(TOTALS_AT, [at]);
  }
}
