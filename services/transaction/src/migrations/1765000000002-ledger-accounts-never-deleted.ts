import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Ledger accounts are closed, never deleted: a trigger refuses DELETE and TRUNCATE. That is what the transfers'
 * account foreign keys were for — the writer has every account of a batch locked and found before it inserts a
 * transfer (the engine answers `account_not_found` otherwise) — and their per-row checks ran while the batch held the
 * chain lock, serialising the write path (ADR 0004). `ledger-verify` checks that every account named exists.
 */
export class LedgerAccountsNeverDeleted1765000000002 implements MigrationInterface {
  name = 'LedgerAccountsNeverDeleted1765000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "ledger_reject_account_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN RAISE EXCEPTION 'ledger accounts are closed, never deleted: % is not allowed', TG_OP ` +
        `USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "ledger_accounts_never_deleted" BEFORE DELETE OR TRUNCATE ON "ledger_accounts" ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION "ledger_reject_account_delete"()`,
    );
    await queryRunner.query(`ALTER TABLE "transfers" DROP CONSTRAINT "FK_transfers_debit_account"`);
    await queryRunner.query(`ALTER TABLE "transfers" DROP CONSTRAINT "FK_transfers_credit_account"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "transfers" ADD CONSTRAINT "FK_transfers_credit_account" FOREIGN KEY ("credit_account_id") ` +
        `REFERENCES "ledger_accounts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "transfers" ADD CONSTRAINT "FK_transfers_debit_account" FOREIGN KEY ("debit_account_id") ` +
        `REFERENCES "ledger_accounts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`DROP TRIGGER "ledger_accounts_never_deleted" ON "ledger_accounts"`);
    await queryRunner.query(`DROP FUNCTION "ledger_reject_account_delete"()`);
  }
}
