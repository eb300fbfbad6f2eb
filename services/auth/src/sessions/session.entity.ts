import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** One signed-in device. Its refresh tokens rotate within it; revoking it kills them and its access tokens. */
@Entity({ name: 'sessions' })
@Index('IDX_sessions_user', ['userId'])
@Index('IDX_sessions_expires_at', ['expiresAt'])
@Index('IDX_sessions_revoked_at', ['revokedAt'], { where: '"revoked_at" IS NOT NULL' })
export class SessionEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_sessions' })
  id!: string;

  @Column({ type: 'uuid', name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user' })
  user?: UserEntity;

  /** RFC 8176 methods the session's sign-in used: `pwd`, plus `otp` and `mfa` after the second step. */
  @Column({ type: 'text', name: 'amr', array: true })
  amr!: string[];

  @Column({ type: 'text', name: 'ip', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', name: 'user_agent', nullable: true })
  userAgent!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at', default: () => 'now()' })
  lastUsedAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'text', name: 'revoke_reason', nullable: true })
  revokeReason!: string | null;

  /** Absolute: rotation never extends a session past this. */
  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;
}
