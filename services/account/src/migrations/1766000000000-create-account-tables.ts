import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Customers (personal data sealed under per-customer data keys, blind indexes for lookups), their wrapped data
 * keys, wallets, KYC submissions and limit reservations. The GIN index over the hashed name words is written here by
 * hand (TypeORM cannot describe one; the entity marks it `synchronize: false`).
 */
export class CreateAccountTables1766000000000 implements MigrationInterface {
  name = 'CreateAccountTables1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "customer_keys" ("customer_id" uuid NOT NULL, "wrapped_key" bytea, "master_key_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "destroyed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_customer_keys" PRIMARY KEY ("customer_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "customers" ("id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'active', "email_enc" bytea, "email_bidx" bytea, "phone_bidx" bytea, "name_search" tsvector, "profile_enc" bytea, "kyc_status" text NOT NULL DEFAULT 'none', "kyc_tier" text NOT NULL DEFAULT 'tier0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "erased_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_customers" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_customers_phone_bidx" ON "customers"  ("phone_bidx") `);
    await queryRunner.query(`CREATE INDEX "IDX_customers_email_bidx" ON "customers"  ("email_bidx") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_customers_name_search" ON "customers" USING gin ("name_search")`,
    );
    await queryRunner.query(
      `CREATE TABLE "kyc_submissions" ("id" uuid NOT NULL, "customer_id" uuid NOT NULL, "status" text NOT NULL, "data_enc" bytea, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_at" TIMESTAMP WITH TIME ZONE, "decided_by" uuid, "reason" text, "purged_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_kyc_submissions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_kyc_submissions_customer" ON "kyc_submissions"  ("customer_id", "submitted_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "limit_reservations" ("payment_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "account_id" uuid NOT NULL, "kind" text NOT NULL, "currency" text NOT NULL, "amount" bigint NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "released_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_limit_reservations" PRIMARY KEY ("payment_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_limit_reservations_usage" ON "limit_reservations"  ("customer_id", "currency", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "wallets" ("id" uuid NOT NULL, "customer_id" uuid NOT NULL, "currency" text NOT NULL, "status" text NOT NULL, "nickname" text, "ledger_account_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_wallets_ledger_account" UNIQUE ("ledger_account_id"), CONSTRAINT "PK_wallets" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_wallets_opening" ON "wallets"  ("created_at") WHERE "status" = 'opening'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_wallets_customer" ON "wallets"  ("customer_id", "created_at") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_wallets_customer"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_wallets_opening"`);
    await queryRunner.query(`DROP TABLE "wallets"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_limit_reservations_usage"`);
    await queryRunner.query(`DROP TABLE "limit_reservations"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_kyc_submissions_customer"`);
    await queryRunner.query(`DROP TABLE "kyc_submissions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_customers_name_search"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_customers_email_bidx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_customers_phone_bidx"`);
    await queryRunner.query(`DROP TABLE "customers"`);
    await queryRunner.query(`DROP TABLE "customer_keys"`);
  }
}
