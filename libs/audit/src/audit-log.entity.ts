import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { type AuditActorType, type AuditOutcome } from './audit-entry';

/**
 * One entry of the append-only audit log. Written only by `AuditLog.append` (never through a repository's save),
 * read by `verifyAuditChain` and by admin queries. Must match `CreateAuditLog1764400000000` exactly: the services'
 * drift check compares the two.
 */
@Entity({ name: 'audit_log' })
@Unique('UQ_audit_log_id', ['id'])
@Check('CHK_audit_log_sequence', `"sequence" > 0`)
@Check('CHK_audit_log_actor_type', `"actor_type" IN ('user', 'client', 'staff', 'system')`)
@Check('CHK_audit_log_outcome', `"outcome" IN ('success', 'failure')`)
@Check('CHK_audit_log_hashes', `octet_length("prev_hash") = 32 AND octet_length("hash") = 32`)
@Index('IDX_audit_log_occurred_at', ['occurredAt'])
@Index('IDX_audit_log_actor', ['actorType', 'actorId'])
@Index('IDX_audit_log_subject', ['subjectType', 'subjectId'])
export class AuditLogEntity {
  /** The chain order: 1, 2, 3, ... assigned under a lock, so gap-free among committed rows. pg returns a string. */
  @PrimaryColumn({ type: 'bigint', name: 'sequence', primaryKeyConstraintName: 'PK_audit_log' })
  sequence!: string;

  @Column({ type: 'uuid', name: 'id' })
  id!: string;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt!: Date;

  @Column({ type: 'text', name: 'actor_type' })
  actorType!: AuditActorType;

  @Column({ type: 'text', name: 'actor_id', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text', name: 'action' })
  action!: string;

  @Column({ type: 'text', name: 'subject_type', nullable: true })
  subjectType!: string | null;

  @Column({ type: 'text', name: 'subject_id', nullable: true })
  subjectId!: string | null;

  @Column({ type: 'text', name: 'outcome' })
  outcome!: AuditOutcome;

  @Column({ type: 'inet', name: 'ip', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', name: 'correlation_id', nullable: true })
  correlationId!: string | null;

  /** Ids, codes and counts; never secrets or personal data beyond ids. */
  @Column({ type: 'jsonb', name: 'details' })
  details!: Record<string, unknown>;

  @Column({ type: 'bytea', name: 'prev_hash' })
  prevHash!: Buffer;

  @Column({ type: 'bytea', name: 'hash' })
  hash!: Buffer;
}
