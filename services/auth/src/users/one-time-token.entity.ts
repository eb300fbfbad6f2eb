import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

export const ONE_TIME_TOKEN_PURPOSES = ['email_verification', 'password_reset'] as const;
export type OneTimeTokenPurpose = (typeof ONE_TIME_TOKEN_PURPOSES)[number];

/** An emailed one-time token: only its SHA-256 is stored; the raw token travels once, in the outbox event. */
@Entity({ name: 'one_time_tokens' })
@Index('IDX_one_time_tokens_user', ['userId'])
@Index('IDX_one_time_tokens_expires_at', ['expiresAt'])
@Index('IDX_one_time_tokens_used_at', ['usedAt'], { where: '"used_at" IS NOT NULL' })
export class OneTimeTokenEntity {
  @PrimaryColumn({ type: 'bytea', name: 'hash', primaryKeyConstraintName: 'PK_one_time_tokens' })
  hash!: Buffer;

  @Column({ type: 'uuid', name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_one_time_tokens_user' })
  user?: UserEntity;

  @Column({ type: 'text', name: 'purpose' })
  purpose!: OneTimeTokenPurpose;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt!: Date | null;
}
