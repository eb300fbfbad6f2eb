import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for the identity retention job: without them each of its batches scans a whole table for old rows. The
 * `used_at` ones are partial (unused rows are never candidates by use). Tokens of revoked sessions are found through
 * the existing IDX_sessions_revoked_at and IDX_refresh_tokens_session. Plain CREATE INDEX: migrations run in a
 * transaction and the tables are young; a large table would want CONCURRENTLY in a migration of its own.
 */
export class AddIdentityRetentionIndexes1764800000000 implements MigrationInterface {
  name = 'AddIdentityRetentionIndexes1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_refresh_tokens_expires_at" ON "refresh_tokens" ("expires_at") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_one_time_tokens_expires_at" ON "one_time_tokens" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_one_time_tokens_used_at" ON "one_time_tokens" ("used_at") WHERE "used_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_mfa_challenges_expires_at" ON "mfa_challenges" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_mfa_challenges_used_at" ON "mfa_challenges" ("used_at") WHERE "used_at" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_mfa_challenges_used_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_mfa_challenges_expires_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_one_time_tokens_used_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_one_time_tokens_expires_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_sessions_expires_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_refresh_tokens_expires_at"`);
  }
}
