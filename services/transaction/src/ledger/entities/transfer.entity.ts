import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * An immutable transfer (a trigger refuses UPDATE, DELETE and TRUNCATE). Its id is the client's; `batch_sequence`
 * and `batch_index` place it in the hash chain. Neither its accounts nor its link have a foreign key (accounts are
 * never deleted, links never change; see LedgerAccountsNeverDeleted1765000000002 and
 * TransfersLighterWrite1765000000003): `ledger-verify` reports a transfer naming one that does not exist. Must match
 * the ledger's migrations.
 */
@Entity({ name: 'transfers' })
@Index('IDX_transfers_pending_id', ['pendingId'], { where: '"pending_id" IS NOT NULL' })
@Unique('UQ_transfers_batch_position', ['batchSequence', 'batchIndex'])
@Check(
  'CHK_transfers_kind',
  `"kind" IN ('single', 'pending', 'post_pending', 'void_pending', 'expire_pending')`,
)
@Check('CHK_transfers_amount', `"amount" > 0`)
export class TransferEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_transfers' })
  id!: string;

  @Column({ type: 'text', name: 'kind' })
  kind!: string;

  @Column({ type: 'uuid', name: 'debit_account_id' })
  debitAccountId!: string;

  @Column({ type: 'uuid', name: 'credit_account_id' })
  creditAccountId!: string;

  @Column({ type: 'bigint', name: 'amount' })
  amount!: string;

  @Column({ type: 'char', length: 3, name: 'currency' })
  currency!: string;

  @Column({ type: 'integer', name: 'code' })
  code!: number;

  @Column({ type: 'uuid', name: 'pending_id', nullable: true })
  pendingId!: string | null;

  @Column({ type: 'timestamptz', name: 'timeout_at', nullable: true })
  timeoutAt!: Date | null;

  @Column({ type: 'text', name: 'reference' })
  reference!: string;

  @Column({ type: 'text', name: 'description' })
  description!: string;

  @Column({ type: 'jsonb', name: 'metadata', default: () => "'{}'" })
  metadata!: Record<string, string>;

  @Column({ type: 'bigint', name: 'batch_sequence' })
  batchSequence!: string;

  /** Position within the batch: the order its digest covers. */
  @Column({ type: 'integer', name: 'batch_index' })
  batchIndex!: number;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
