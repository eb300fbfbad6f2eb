import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One KYC submission. The identity data and document references are sealed under the customer's data key
 * (`data_enc`); the retention job sets it to NULL (`purged_at`) a configured time after the customer's wallets
 * closed. The decision's reason is staff-written text about the submission, kept for the audit of the decision.
 */
@Entity({ name: 'kyc_submissions' })
@Index('IDX_kyc_submissions_customer', ['customerId', 'submittedAt'])
export class KycSubmissionEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_kyc_submissions' })
  id!: string;

  @Column({ type: 'uuid', name: 'customer_id' })
  customerId!: string;

  @Column({ type: 'text', name: 'status' })
  status!: 'pending' | 'verified' | 'rejected';

  @Column({ type: 'bytea', name: 'data_enc', nullable: true })
  dataEnc!: Buffer | null;

  @Column({ type: 'timestamptz', name: 'submitted_at', default: () => 'now()' })
  submittedAt!: Date;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'uuid', name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  @Column({ type: 'timestamptz', name: 'purged_at', nullable: true })
  purgedAt!: Date | null;
}
