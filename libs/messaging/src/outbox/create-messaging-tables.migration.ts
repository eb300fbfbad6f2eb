import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables. Every service with a database lists this class among its migrations and
 * `OutboxMessageEntity` / `InboxMessageEntity` among its entities.
 */
export class CreateMessagingTables1764200000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_messages" (` +
        `"id" uuid NOT NULL, ` +
        `"sequence" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, ` +
        `"type" character varying(255) NOT NULL, ` +
        `"payload" jsonb NOT NULL, ` +
        `"headers" jsonb NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `"published_at" TIMESTAMP WITH TIME ZONE, ` +
        `"attempts" integer NOT NULL DEFAULT 0, ` +
        `"last_error" text, ` +
        `CONSTRAINT "PK_outbox_messages" PRIMARY KEY ("id"))`,
    );
    // The relay's claim reads only unpublished rows in sequence order: the partial index stays as small as the backlog.
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_messages_unpublished" ON "outbox_messages" ("sequence") WHERE "published_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "inbox_messages" (` +
        `"consumer" character varying(200) NOT NULL, ` +
        `"message_id" uuid NOT NULL, ` +
        `"processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "PK_inbox_messages" PRIMARY KEY ("consumer", "message_id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inbox_messages"`);
    await queryRunner.query(`DROP INDEX "IDX_outbox_messages_unpublished"`);
    await queryRunner.query(`DROP TABLE "outbox_messages"`);
  }
}
