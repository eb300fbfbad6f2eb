import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One link of the ledger's hash chain: one per committed write batch that created transfers. Append-only (trigger).
 * Must match CreateLedgerTables1765000000000.
 */
@Entity({ name: 'ledger_batches' })
@Check('CHK_ledger_batches_sequence', `"sequence" > 0`)
@Check(
  'CHK_ledger_batches_hashes',
  `octet_length("digest") = 32 AND octet_length("prev_hash") = 32 AND octet_length("hash") = 32`,
)
export class LedgerBatchEntity {
  /** 1, 2, 3, ... without gaps, assigned under the chain lock: commit order. */
  @PrimaryColumn({ type: 'bigint', name: 'sequence', primaryKeyConstraintName: 'PK_ledger_batches' })
  sequence!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'integer', name: 'transfer_count' })
  transferCount!: number;

  /** SHA-256 over the batch's transfers in canonical form, in batch order. */
  @Column({ type: 'bytea', name: 'digest' })
  digest!: Buffer;

  @Column({ type: 'bytea', name: 'prev_hash' })
  prevHash!: Buffer;

  @Column({ type: 'bytea', name: 'hash' })
  hash!: Buffer;
}
