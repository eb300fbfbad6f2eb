import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A person who signs in: a customer or a staff member. The email is stored normalised (trimmed, lower case). */
@Entity({ name: 'users' })
@Unique('UQ_users_email', ['email'])
export class UserEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_users' })
  id!: string;

  @Column({ type: 'text', name: 'email' })
  email!: string;

  @Column({ type: 'text', name: 'full_name' })
  fullName!: string;

  /** PHC string, `$argon2id$v=19$m=...,t=...,p=...$salt$hash`. */
  @Column({ type: 'text', name: 'password_hash' })
  passwordHash!: string;

  /** Each one of `ROLES` (@kasho/security), checked by the service before it is written. */
  @Column({ type: 'text', name: 'roles', array: true })
  roles!: string[];

  @Column({ type: 'timestamptz', name: 'email_verified_at', nullable: true })
  emailVerifiedAt!: Date | null;

  /** Consecutive failed sign-ins; reaching AUTH_LOGIN_MAX_FAILURES locks the account. */
  @Column({ type: 'integer', name: 'failed_login_count', default: 0 })
  failedLoginCount!: number;

  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'timestamptz', name: 'password_changed_at' })
  passwordChangedAt!: Date;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
