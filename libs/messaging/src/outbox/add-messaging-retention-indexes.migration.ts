import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for `MessagingRetention`: without them each pruning batch scans the whole table for old rows. Every service
 * with a database lists this class after `CreateMessagingTables1764200000000`.
 */
export class AddMessagingRetentionIndexes1764300000000 implements MigrationInterface {
  name = 'AddMessagingRetentionIndexes1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Partial: the relay's unpublished rows are never pruned, so they need not be in this index.
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_messages_published_at" ON "outbox_messages" ("published_at") ` +
        `WHERE "published_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_inbox_messages_processed_at" ON "inbox_messages" ("processed_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_inbox_messages_processed_at"`);
    await queryRunner.query(`DROP INDEX "IDX_outbox_messages_published_at"`);
  }
}
