import type { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth 2.0 clients of the client credentials grant (`OAuthClientEntity`). */
export class CreateOAuthClients1764600000000 implements MigrationInterface {
  name = 'CreateOAuthClients1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_clients" (` +
        `"client_id" text NOT NULL, ` +
        `"name" text NOT NULL, ` +
        `"secret_hash" text NOT NULL, ` +
        `"scopes" text array NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `"disabled_at" TIMESTAMP WITH TIME ZONE, ` +
        `"last_used_at" TIMESTAMP WITH TIME ZONE, ` +
        `CONSTRAINT "PK_oauth_clients" PRIMARY KEY ("client_id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oauth_clients"`);
  }
}
