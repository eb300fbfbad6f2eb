import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `audit_log` table and the trigger that makes it append-only. A service that keeps an audit log lists this
 * class among its migrations (through `AUDIT_MIGRATIONS`) and `AuditLogEntity` among its entities.
 */
export class CreateAuditLog1764400000000 implements MigrationInterface {
  name = 'CreateAuditLog1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" (` +
        `"sequence" bigint NOT NULL, ` +
        `"id" uuid NOT NULL, ` +
        `"occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `"actor_type" text NOT NULL, ` +
        `"actor_id" text, ` +
        `"action" text NOT NULL, ` +
        `"subject_type" text, ` +
        `"subject_id" text, ` +
        `"outcome" text NOT NULL, ` +
        `"ip" inet, ` +
        `"request_id" text, ` +
        `"correlation_id" text, ` +
        `"details" jsonb NOT NULL, ` +
        `"prev_hash" bytea NOT NULL, ` +
        `"hash" bytea NOT NULL, ` +
        `CONSTRAINT "UQ_audit_log_id" UNIQUE ("id"), ` +
        `CONSTRAINT "CHK_audit_log_sequence" CHECK ("sequence" > 0), ` +
        `CONSTRAINT "CHK_audit_log_actor_type" CHECK ("actor_type" IN ('user', 'client', 'staff', 'system')), ` +
        `CONSTRAINT "CHK_audit_log_outcome" CHECK ("outcome" IN ('success', 'failure')), ` +
        `CONSTRAINT "CHK_audit_log_hashes" CHECK (octet_length("prev_hash") = 32 AND octet_length("hash") = 32), ` +
        `CONSTRAINT "PK_audit_log" PRIMARY KEY ("sequence"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_occurred_at" ON "audit_log" ("occurred_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_actor" ON "audit_log" ("actor_type", "actor_id")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_subject" ON "audit_log" ("subject_type", "subject_id")`,
    );
    // Statement-level, so even an UPDATE or DELETE that matches no row fails: nobody writes such code by accident.
    // This stops the application and honest mistakes; the table's owner can still disable it, which is what the
    // hash chain (verifyAuditChain) is for.
    await queryRunner.query(
      `CREATE FUNCTION "audit_log_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP ` +
        `USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_log" ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_reject_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_log_append_only" ON "audit_log"`);
    await queryRunner.query(`DROP FUNCTION "audit_log_reject_change"()`);
    await queryRunner.query(`DROP INDEX "IDX_audit_log_subject"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_log_actor"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_log_occurred_at"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
