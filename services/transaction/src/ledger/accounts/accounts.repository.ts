import { type CreateLedgerAccount } from '@kasho/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLUMNS, type AccountRow } from '../ledger-mappers';

// DO NOTHING on a taken id: the service compares the stored account with the one asked for (idempotent create).
const INSERT_ACCOUNTS =
  'INSERT INTO "ledger_accounts" ("id", "type", "currency", "debits_must_not_exceed_credits", ' +
  '"credits_must_not_exceed_debits", "metadata") SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], ' +
  '$4::boolean[], $5::boolean[], $6::jsonb[]) ON CONFLICT ("id") DO NOTHING RETURNING "id"';
const BY_IDS = `SELECT ${ACCOUNT_COLUMNS} FROM "ledger_accounts" WHERE "id" = ANY($1::uuid[])`;
// One statement: its row lock orders it with the writer's batches (which lock accounts FOR UPDATE and read
// closed_at under that lock), so no transfer can slip between the emptiness check and the close.
const CLOSE_IF_EMPTY =
  'UPDATE "ledger_accounts" SET "closed_at" = now() WHERE "id" = $1 AND "closed_at" IS NULL ' +
  'AND "debits_pending" = 0 AND "credits_pending" = 0 AND "debits_posted" = "credits_posted" RETURNING "id"';

@Injectable()
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the accounts whose ids are free; answers the ids it inserted. */
  async insertMissing(accounts: readonly CreateLedgerAccount[]): Promise<Set<string>> {
    if (accounts.length === 0) return new Set();
    const rows = await this.dataSource.query<Array<{ id: string }>>(INSERT_ACCOUNTS, [
      accounts.map((a) => a.id),
      accounts.map((a) => a.type),
      accounts.map((a) => a.currency),
      accounts.map((a) => a.flags.debitsMustNotExceedCredits),
      accounts.map((a) => a.flags.creditsMustNotExceedDebits),
      accounts.map((a) => JSON.stringify(a.metadata ?? {})),
    ]);
    return new Set(rows.map((row) => row.id));
  }

  /** True when this call closed it. */
  async closeIfEmpty(id: string): Promise<boolean> {
    const [rows] = await this.dataSource.query<[Array<{ id: string }>, number]>(CLOSE_IF_EMPTY, [id]);
    return rows.length === 1;
  }

  async findByIds(ids: readonly string[]): Promise<AccountRow[]> {
    if (ids.length === 0) return [];
    return this.dataSource.query<AccountRow[]>(BY_IDS, [ids]);
  }
}
