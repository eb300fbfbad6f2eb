import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Two per-row costs of appending transfers, paid while the batch holds the chain lock (ADR 0004):
 * - the foreign key from a transfer to its batch's link: the writer inserts the link and its transfers in one
 *   statement, links are append-only (a trigger refuses UPDATE and DELETE), and `ledger-verify` now reports a
 *   transfer whose link does not exist, as it does one whose account does not;
 * - the index on `pending_id` held every transfer, mostly NULLs: only the transfers that name a pending transfer
 *   (posts, voids, expiries) are looked up by it, so the index holds only those.
 */
export class TransfersLighterWrite1765000000003 implements MigrationInterface {
  name = 'TransfersLighterWrite1765000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "transfers" DROP CONSTRAINT "FK_transfers_batch"`);
    await queryRunner.query(`DROP INDEX "IDX_transfers_pending_id"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_transfers_pending_id" ON "transfers" ("pending_id") WHERE "pending_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_transfers_pending_id"`);
    await queryRunner.query(`CREATE INDEX "IDX_transfers_pending_id" ON "transfers" ("pending_id")`);
    await queryRunner.query(
      `ALTER TABLE "transfers" ADD CONSTRAINT "FK_transfers_batch" FOREIGN KEY ("batch_sequence") ` +
        `REFERENCES "ledger_batches"("sequence") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }
}
