import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A customer's data key, wrapped by the master key (`KeyProvider`). Erasure sets `wrapped_key` to NULL: with the
 * key gone every value sealed under it (in this database and in its backups) is unreadable — crypto-shredding.
 */
@Entity({ name: 'customer_keys' })
export class CustomerKeyEntity {
  @PrimaryColumn({ type: 'uuid', name: 'customer_id', primaryKeyConstraintName: 'PK_customer_keys' })
  customerId!: string;

  @Column({ type: 'bytea', name: 'wrapped_key', nullable: true })
  wrappedKey!: Buffer | null;

  /** Which master key wrapped it (`KeyProvider.keyId`). */
  @Column({ type: 'text', name: 'master_key_id' })
  masterKeyId!: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'destroyed_at', nullable: true })
  destroyedAt!: Date | null;
}
