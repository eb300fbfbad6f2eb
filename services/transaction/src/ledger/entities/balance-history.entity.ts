import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An account's four totals right after one transfer changed them (append-only). `sequence` counts 1, 2, 3, ... per
 * account. Must match CreateLedgerTables1765000000000.
 */
@Entity({ name: 'balance_history' })
@Index('IDX_balance_history_account_created_at', ['accountId', 'createdAt'])
export class BalanceHistoryEntity {
  @PrimaryColumn({ type: 'uuid', name: 'account_id', primaryKeyConstraintName: 'PK_balance_history' })
  accountId!: string;

  @PrimaryColumn({ type: 'bigint', name: 'sequence', primaryKeyConstraintName: 'PK_balance_history' })
  sequence!: string;

  @Column({ type: 'uuid', name: 'transfer_id' })
  transferId!: string;

  @Column({ type: 'bigint', name: 'debits_pending' })
  debitsPending!: string;

  @Column({ type: 'bigint', name: 'debits_posted' })
  debitsPosted!: string;

  @Column({ type: 'bigint', name: 'credits_pending' })
  creditsPending!: string;

  @Column({ type: 'bigint', name: 'credits_posted' })
  creditsPosted!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
