import type { MigrationInterface, QueryRunner } from 'typeorm';
import { operatorAccountId } from '../ledger/ledger-ids';

// Frozen here rather than imported: a later change to the supported lists must come with its own migration.
const OPERATOR_TYPES = ['settlement', 'fees', 'provider_clearing', 'payouts_in_transit', 'fx'];
const CURRENCIES = ['EUR', 'USD', 'GBP'];

/**
 * The operator accounts, one per type and supported currency, with deterministic ids (`operatorAccountId`) and no
 * balance flags: money enters and leaves the ledger through them.
 */
export class CreateOperatorAccounts1765000000001 implements MigrationInterface {
  name = 'CreateOperatorAccounts1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const rows = operatorAccounts();
    await queryRunner.query(
      `INSERT INTO "ledger_accounts" ("id", "type", "currency", "debits_must_not_exceed_credits", ` +
        `"credits_must_not_exceed_debits", "metadata") ` +
        `SELECT t.id, t.type, t.currency, false, false, jsonb_build_object('operator', 'true') ` +
        `FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, type, currency)`,
      [rows.map((row) => row.id), rows.map((row) => row.type), rows.map((row) => row.currency)],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Fails (foreign keys) once a transfer names one of them, which is right: money would vanish.
    await queryRunner.query(`DELETE FROM "ledger_accounts" WHERE "id" = ANY($1::uuid[])`, [
      operatorAccounts().map((row) => row.id),
    ]);
  }
}

function operatorAccounts(): Array<{ id: string; type: string; currency: string }> {
  return CURRENCIES.flatMap((currency) =>
    OPERATOR_TYPES.map((type) => ({ id: operatorAccountId(type, currency), type, currency })),
  );
}
