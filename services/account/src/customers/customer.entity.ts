import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A customer: the user id from the auth service, and their personal data, none of it in plaintext. `email_enc`
 * and `profile_enc` are AES-256-GCM under the customer's data key (`customer_keys`); `email_bidx`, `phone_bidx` and
 * `name_search` are keyed hashes for lookups (blind indexes), never reversible without the index key.
 */
@Entity({ name: 'customers' })
@Index('IDX_customers_email_bidx', ['emailBidx'])
@Index('IDX_customers_phone_bidx', ['phoneBidx'])
// GIN over the hashed name words, built by the migration (TypeORM cannot describe a GIN index).
@Index('IDX_customers_name_search', { synchronize: false })
export class CustomerEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_customers' })
  id!: string;

  /** `active`, or `erased` once the data key is destroyed. */
  @Column({ type: 'text', name: 'status', default: 'active' })
  status!: 'active' | 'erased';

  @Column({ type: 'bytea', name: 'email_enc', nullable: true })
  emailEnc!: Buffer | null;

  @Column({ type: 'bytea', name: 'email_bidx', nullable: true })
  emailBidx!: Buffer | null;

  @Column({ type: 'bytea', name: 'phone_bidx', nullable: true })
  phoneBidx!: Buffer | null;

  /** Hex HMAC tokens of the name's words as a tsvector ('simple' configuration): searchable, not readable. */
  @Column({ type: 'tsvector', name: 'name_search', nullable: true })
  nameSearch!: string | null;

  /** JSON `{fullName, phone, address, dateOfBirth}`, sealed. */
  @Column({ type: 'bytea', name: 'profile_enc', nullable: true })
  profileEnc!: Buffer | null;

  @Column({ type: 'text', name: 'kyc_status', default: 'none' })
  kycStatus!: 'none' | 'pending' | 'verified' | 'rejected';

  @Column({ type: 'text', name: 'kyc_tier', default: 'tier0' })
  kycTier!: 'tier0' | 'tier1';

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'erased_at', nullable: true })
  erasedAt!: Date | null;
}
