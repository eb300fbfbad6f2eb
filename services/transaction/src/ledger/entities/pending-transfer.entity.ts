import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The mutable side of a pending transfer (its id is the pending transfer's). Must match CreateLedgerTables1765000000000. */
@Entity({ name: 'pending_transfers' })
@Index('IDX_pending_transfers_due', ['expiresAt'], { where: `"status" = 'pending'` })
@Check('CHK_pending_transfers_status', `"status" IN ('pending', 'posted', 'voided', 'expired')`)
@Check('CHK_pending_transfers_amount', `"amount" > 0`)
export class PendingTransferEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_pending_transfers' })
  id!: string;

  @Column({ type: 'uuid', name: 'debit_account_id' })
  debitAccountId!: string;

  @Column({ type: 'uuid', name: 'credit_account_id' })
  creditAccountId!: string;

  @Column({ type: 'bigint', name: 'amount' })
  amount!: string;

  @Column({ type: 'char', length: 3, name: 'currency' })
  currency!: string;

  @Column({ type: 'text', name: 'status' })
  status!: string;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  /** The post_pending, void_pending or expire_pending transfer that resolved it. */
  @Column({ type: 'uuid', name: 'resolved_by', nullable: true })
  resolvedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;
}
