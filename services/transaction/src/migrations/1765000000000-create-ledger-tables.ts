import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger: accounts (with the balance flags enforced by CHECK constraints, so the database itself refuses an
 * overdraft), immutable transfers, the mutable state of pending transfers, the balance history and the hash chain
 * of committed write batches. `transfers`, `balance_history` and `ledger_batches` are append-only (a trigger refuses
 * UPDATE, DELETE and TRUNCATE). Must match the entities in src/ledger/entities exactly.
 */
export class CreateLedgerTables1765000000000 implements MigrationInterface {
  name = 'CreateLedgerTables1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ledger_accounts" (` +
        `"id" uuid NOT NULL, ` +
        `"type" text NOT NULL, ` +
        `"currency" character(3) NOT NULL, ` +
        `"debits_must_not_exceed_credits" boolean NOT NULL, ` +
        `"credits_must_not_exceed_debits" boolean NOT NULL, ` +
        `"debits_pending" bigint NOT NULL DEFAULT 0, ` +
        `"debits_posted" bigint NOT NULL DEFAULT 0, ` +
        `"credits_pending" bigint NOT NULL DEFAULT 0, ` +
        `"credits_posted" bigint NOT NULL DEFAULT 0, ` +
        `"last_sequence" bigint NOT NULL DEFAULT 0, ` +
        `"closed_at" TIMESTAMP WITH TIME ZONE, ` +
        `"metadata" jsonb NOT NULL DEFAULT '{}', ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "CHK_ledger_accounts_type" CHECK ("type" IN ` +
        `('customer_wallet', 'settlement', 'fees', 'provider_clearing', 'payouts_in_transit', 'fx')), ` +
        `CONSTRAINT "CHK_ledger_accounts_amounts" CHECK ("debits_pending" >= 0 AND "debits_posted" >= 0 ` +
        `AND "credits_pending" >= 0 AND "credits_posted" >= 0), ` +
        // numeric: the sum of two bigints may exceed bigint; the comparison must still be exact.
        `CONSTRAINT "CHK_ledger_accounts_debits_limit" CHECK (NOT "debits_must_not_exceed_credits" ` +
        `OR "debits_pending"::numeric + "debits_posted" <= "credits_posted"), ` +
        `CONSTRAINT "CHK_ledger_accounts_credits_limit" CHECK (NOT "credits_must_not_exceed_debits" ` +
        `OR "credits_pending"::numeric + "credits_posted" <= "debits_posted"), ` +
        `CONSTRAINT "PK_ledger_accounts" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ledger_accounts_type_currency" ON "ledger_accounts" ("type", "currency")`,
    );

    await queryRunner.query(
      `CREATE TABLE "ledger_batches" (` +
        `"sequence" bigint NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `"transfer_count" integer NOT NULL, ` +
        `"digest" bytea NOT NULL, ` +
        `"prev_hash" bytea NOT NULL, ` +
        `"hash" bytea NOT NULL, ` +
        `CONSTRAINT "CHK_ledger_batches_sequence" CHECK ("sequence" > 0), ` +
        `CONSTRAINT "CHK_ledger_batches_hashes" CHECK (octet_length("digest") = 32 ` +
        `AND octet_length("prev_hash") = 32 AND octet_length("hash") = 32), ` +
        `CONSTRAINT "PK_ledger_batches" PRIMARY KEY ("sequence"))`,
    );

    await queryRunner.query(
      `CREATE TABLE "transfers" (` +
        `"id" uuid NOT NULL, ` +
        `"kind" text NOT NULL, ` +
        `"debit_account_id" uuid NOT NULL, ` +
        `"credit_account_id" uuid NOT NULL, ` +
        `"amount" bigint NOT NULL, ` +
        `"currency" character(3) NOT NULL, ` +
        `"code" integer NOT NULL, ` +
        `"pending_id" uuid, ` +
        `"timeout_at" TIMESTAMP WITH TIME ZONE, ` +
        `"reference" text NOT NULL, ` +
        `"description" text NOT NULL, ` +
        `"metadata" jsonb NOT NULL DEFAULT '{}', ` +
        `"batch_sequence" bigint NOT NULL, ` +
        // The transfer's position in its batch: the order the batch digest covers.
        `"batch_index" integer NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "CHK_transfers_kind" CHECK ("kind" IN ` +
        `('single', 'pending', 'post_pending', 'void_pending', 'expire_pending')), ` +
        `CONSTRAINT "CHK_transfers_amount" CHECK ("amount" > 0), ` +
        `CONSTRAINT "UQ_transfers_batch_position" UNIQUE ("batch_sequence", "batch_index"), ` +
        `CONSTRAINT "PK_transfers" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_transfers_pending_id" ON "transfers" ("pending_id")`);
    await queryRunner.query(
      `ALTER TABLE "transfers" ADD CONSTRAINT "FK_transfers_debit_account" FOREIGN KEY ("debit_account_id") ` +
        `REFERENCES "ledger_accounts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "transfers" ADD CONSTRAINT "FK_transfers_credit_account" FOREIGN KEY ("credit_account_id") ` +
        `REFERENCES "ledger_accounts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "transfers" ADD CONSTRAINT "FK_transfers_batch" FOREIGN KEY ("batch_sequence") ` +
        `REFERENCES "ledger_batches"("sequence") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );

    await queryRunner.query(
      `CREATE TABLE "pending_transfers" (` +
        `"id" uuid NOT NULL, ` +
        `"debit_account_id" uuid NOT NULL, ` +
        `"credit_account_id" uuid NOT NULL, ` +
        `"amount" bigint NOT NULL, ` +
        `"currency" character(3) NOT NULL, ` +
        `"status" text NOT NULL, ` +
        `"expires_at" TIMESTAMP WITH TIME ZONE, ` +
        `"resolved_by" uuid, ` +
        `"resolved_at" TIMESTAMP WITH TIME ZONE, ` +
        `CONSTRAINT "CHK_pending_transfers_status" CHECK ("status" IN ('pending', 'posted', 'voided', 'expired')), ` +
        `CONSTRAINT "CHK_pending_transfers_amount" CHECK ("amount" > 0), ` +
        `CONSTRAINT "PK_pending_transfers" PRIMARY KEY ("id"))`,
    );
    // The expiry job's scan: only transfers still pending are in it.
    await queryRunner.query(
      `CREATE INDEX "IDX_pending_transfers_due" ON "pending_transfers" ("expires_at") WHERE "status" = 'pending'`,
    );

    await queryRunner.query(
      `CREATE TABLE "balance_history" (` +
        `"account_id" uuid NOT NULL, ` +
        `"sequence" bigint NOT NULL, ` +
        `"transfer_id" uuid NOT NULL, ` +
        `"debits_pending" bigint NOT NULL, ` +
        `"debits_posted" bigint NOT NULL, ` +
        `"credits_pending" bigint NOT NULL, ` +
        `"credits_posted" bigint NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_balance_history" PRIMARY KEY ("account_id", "sequence"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_balance_history_account_created_at" ON "balance_history" ("account_id", "created_at")`,
    );

    // Statement-level, so even an UPDATE or DELETE matching no row fails. The table owner can still disable it:
    // that is what the hash chain and `ledger-verify` are for.
    await queryRunner.query(
      `CREATE FUNCTION "ledger_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP ` +
        `USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    for (const table of IMMUTABLE_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "${table}" ` +
          `FOR EACH STATEMENT EXECUTE FUNCTION "ledger_reject_change"()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of IMMUTABLE_TABLES) {
      await queryRunner.query(`DROP TRIGGER "${table}_append_only" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "ledger_reject_change"()`);
    await queryRunner.query(`DROP INDEX "IDX_balance_history_account_created_at"`);
    await queryRunner.query(`DROP TABLE "balance_history"`);
    await queryRunner.query(`DROP INDEX "IDX_pending_transfers_due"`);
    await queryRunner.query(`DROP TABLE "pending_transfers"`);
    await queryRunner.query(`ALTER TABLE "transfers" DROP CONSTRAINT "FK_transfers_batch"`);
    await queryRunner.query(`ALTER TABLE "transfers" DROP CONSTRAINT "FK_transfers_credit_account"`);
    await queryRunner.query(`ALTER TABLE "transfers" DROP CONSTRAINT "FK_transfers_debit_account"`);
    await queryRunner.query(`DROP INDEX "IDX_transfers_pending_id"`);
    await queryRunner.query(`DROP TABLE "transfers"`);
    await queryRunner.query(`DROP TABLE "ledger_batches"`);
    await queryRunner.query(`DROP INDEX "IDX_ledger_accounts_type_currency"`);
    await queryRunner.query(`DROP TABLE "ledger_accounts"`);
  }
}

const IMMUTABLE_TABLES = ['transfers', 'balance_history', 'ledger_batches'] as const;
