import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** A user's TOTP factor: pending after setup (`enabled_at` null), on after activation with a current code. */
@Entity({ name: 'mfa' })
export class TotpFactorEntity {
  @PrimaryColumn({ type: 'uuid', name: 'user_id', primaryKeyConstraintName: 'PK_mfa' })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mfa_user' })
  user?: UserEntity;

  /** The TOTP secret sealed with AES-256-GCM under the data key (see SecretBox), bound to the user id. */
  @Column({ type: 'bytea', name: 'secret_ciphertext' })
  secretCiphertext!: Buffer;

  @Column({ type: 'timestamptz', name: 'enabled_at', nullable: true })
  enabledAt!: Date | null;

  /** The last time step accepted: a code is accepted once only (RFC 6238 5.2). pg returns bigint as a string. */
  @Column({ type: 'bigint', name: 'last_used_step', nullable: true })
  lastUsedStep!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
