import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { KycSubmissionEntity } from './kyc-submission.entity';

/** KYC submissions. Every method runs in the caller's transaction or read (`manager`). */
@Injectable()
export class KycRepository {
  async insert(
    manager: EntityManager,
    submission: { id: string; customerId: string; dataEnc: Buffer; now: Date },
  ): Promise<KycSubmissionEntity> {
    await manager.insert(KycSubmissionEntity, {
      id: submission.id,
      customerId: submission.customerId,
      status: 'pending',
      dataEnc: submission.dataEnc,
      submittedAt: submission.now,
    });
    const row = await manager.findOne(KycSubmissionEntity, { where: { id: submission.id } });
    if (!row) throw new Error('submission vanished inside its transaction');
    return row;
  }

  listOf(manager: EntityManager, customerId: string): Promise<KycSubmissionEntity[]> {
    return manager.find(KycSubmissionEntity, { where: { customerId }, order: { submittedAt: 'DESC' } });
  }

  async lock(manager: EntityManager, id: string): Promise<KycSubmissionEntity | null> {
    return manager
      .createQueryBuilder(KycSubmissionEntity, 'k')
      .setLock('pessimistic_write')
      .where('k.id = :id', { id })
      .getOne();
  }

  async decide(
    manager: EntityManager,
    id: string,
    decision: { status: 'verified' | 'rejected'; decidedBy: string; reason: string; now: Date },
  ): Promise<void> {
    await manager.update(
      KycSubmissionEntity,
      { id },
      {
        status: decision.status,
        decidedBy: decision.decidedBy,
        reason: decision.reason,
        decidedAt: decision.now,
      },
    );
  }

  /**
   * Retention: the sealed KYC material of customers erased, or whose every wallet closed before `closedBefore`
   * (and who have at least one), is set to NULL. Answers what was purged (ids only).
   */
  async purgeAfterClose(
    manager: EntityManager,
    closedBefore: Date,
    now: Date,
    limit: number,
  ): Promise<Array<{ id: string; customer_id: string }>> {
    const result = await manager.query<unknown[]>(
      `UPDATE "kyc_submissions" k SET "data_enc" = NULL, "purged_at" = $2
       WHERE k."id" IN (
         SELECT s."id" FROM "kyc_submissions" s JOIN "customers" c ON c."id" = s."customer_id"
         WHERE s."purged_at" IS NULL
           AND (c."status" = 'erased' OR (
             EXISTS (SELECT 1 FROM "wallets" w WHERE w."customer_id" = c."id")
             AND NOT EXISTS (SELECT 1 FROM "wallets" w WHERE w."customer_id" = c."id" AND w."status" <> 'closed')
             AND (SELECT max(w."closed_at") FROM "wallets" w WHERE w."customer_id" = c."id") < $1))
         ORDER BY s."submitted_at" LIMIT $3 FOR UPDATE OF s SKIP LOCKED)
       RETURNING k."id", k."customer_id"`,
      [closedBefore, now, limit],
    );
    // TypeORM answers an UPDATE ... RETURNING as [rows, affected count].
    const rows = Array.isArray(result[0]) ? result[0] : result;
    return rows as Array<{ id: string; customer_id: string }>;
  }
}
