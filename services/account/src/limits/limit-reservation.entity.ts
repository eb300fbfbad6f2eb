import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A payment's claim on its customer's outgoing allowance, one per payment id (idempotency). Reserved amounts count
 * against the UTC day and month of `created_at` until released. Decided under a lock on the customer's row.
 */
@Entity({ name: 'limit_reservations' })
@Index('IDX_limit_reservations_usage', ['customerId', 'currency', 'createdAt'])
export class LimitReservationEntity {
  @PrimaryColumn({ type: 'uuid', name: 'payment_id', primaryKeyConstraintName: 'PK_limit_reservations' })
  paymentId!: string;

  @Column({ type: 'uuid', name: 'customer_id' })
  customerId!: string;

  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;

  @Column({ type: 'text', name: 'kind' })
  kind!: 'p2p' | 'payout';

  @Column({ type: 'text', name: 'currency' })
  currency!: string;

  @Column({ type: 'bigint', name: 'amount' })
  amount!: string;

  @Column({ type: 'text', name: 'status' })
  status!: 'reserved' | 'released';

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'released_at', nullable: true })
  releasedAt!: Date | null;
}
