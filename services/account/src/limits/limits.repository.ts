import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { LimitReservationEntity } from './limit-reservation.entity';

/** Limit reservations. Run under the lock of the customer's row (see LimitsService). */
@Injectable()
export class LimitsRepository {
  find(manager: EntityManager, paymentId: string): Promise<LimitReservationEntity | null> {
    return manager.findOne(LimitReservationEntity, { where: { paymentId } });
  }

  /** What the customer has reserved (and not released) in `currency` since `since`. */
  async reservedSince(
    manager: EntityManager,
    customerId: string,
    currency: string,
    since: Date,
  ): Promise<bigint> {
    const [row] = await manager.query<Array<{ total: string }>>(
      'SELECT COALESCE(sum("amount"), 0)::text AS total FROM "limit_reservations" ' +
        'WHERE "customer_id" = $1 AND "currency" = $2 AND "status" = \'reserved\' AND "created_at" >= $3',
      [customerId, currency, since],
    );
    return BigInt(row?.total ?? '0');
  }

  async insert(
    manager: EntityManager,
    reservation: Omit<LimitReservationEntity, 'releasedAt'>,
  ): Promise<void> {
    await manager.insert(LimitReservationEntity, { ...reservation, releasedAt: null });
  }

  /** True when this call released it. */
  async release(manager: EntityManager, paymentId: string, now: Date): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(LimitReservationEntity)
      .set({ status: 'released', releasedAt: now })
      .where({ paymentId, status: 'reserved' })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
