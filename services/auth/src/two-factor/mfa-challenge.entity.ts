import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** The second sign-in step: the `mfaToken` a correct password earned, by its SHA-256; five tries, five minutes. */
@Entity({ name: 'mfa_challenges' })
@Index('IDX_mfa_challenges_user', ['userId'])
@Index('IDX_mfa_challenges_expires_at', ['expiresAt'])
@Index('IDX_mfa_challenges_used_at', ['usedAt'], { where: '"used_at" IS NOT NULL' })
export class MfaChallengeEntity {
  @PrimaryColumn({ type: 'bytea', name: 'hash', primaryKeyConstraintName: 'PK_mfa_challenges' })
  hash!: Buffer;

  @Column({ type: 'uuid', name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mfa_challenges_user' })
  user?: UserEntity;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'integer', name: 'attempts', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt!: Date | null;
}
