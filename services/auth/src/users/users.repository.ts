import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { OneTimeTokenEntity, type OneTimeTokenPurpose } from './one-time-token.entity';
import { UserEntity } from './user.entity';

export interface NewUser {
  id: string;
  email: string;
  fullName: string;
  passwordHash: string;
  roles: string[];
  emailVerifiedAt: Date | null;
  now: Date;
}

export interface UserProfile {
  user: UserEntity;
  mfaEnabled: boolean;
}

const UNIQUE_VIOLATION = '23505';

/** Users and their emailed one-time tokens. Every method runs in the caller's transaction (`manager`). */
@Injectable()
export class UsersRepository {
  /** Inserts the user; false when the email is already taken (the unique index decides, not a prior read). */
  async insert(manager: EntityManager, user: NewUser): Promise<boolean> {
    try {
      await manager.query('SAVEPOINT insert_user');
      await manager.insert(UserEntity, {
        id: user.id,
        email: user.email,
        fullName: user.fullName,
        passwordHash: user.passwordHash,
        roles: user.roles,
        emailVerifiedAt: user.emailVerifiedAt,
        passwordChangedAt: user.now,
        createdAt: user.now,
        updatedAt: user.now,
      });
      await manager.query('RELEASE SAVEPOINT insert_user');
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT insert_user');
      return false;
    }
  }

  findByEmail(manager: EntityManager, email: string): Promise<UserEntity | null> {
    return manager.findOne(UserEntity, { where: { email } });
  }

  findById(
    manager: EntityManager,
    userId: string,
    options: { lock?: boolean } = {},
  ): Promise<UserEntity | null> {
    return manager.findOne(UserEntity, {
      where: { id: userId },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async profile(manager: EntityManager, userId: string): Promise<UserProfile | null> {
    const user = await this.findById(manager, userId);
    if (!user) return null;
    const rows = await manager.query<unknown[]>(
      'SELECT 1 FROM "mfa" WHERE "user_id" = $1 AND "enabled_at" IS NOT NULL',
      [userId],
    );
    return { user, mfaEnabled: rows.length > 0 };
  }

  /** One more consecutive failure; returns the new count. Atomic, so concurrent failures all count. */
  async recordFailedLogin(manager: EntityManager, userId: string, now: Date): Promise<number> {
    const [rows] = await manager.query<[Array<{ failed_login_count: number }>, number]>(
      'UPDATE "users" SET "failed_login_count" = "failed_login_count" + 1, "updated_at" = $2 ' +
        'WHERE "id" = $1 RETURNING "failed_login_count"',
      [userId, now],
    );
    return rows[0]?.failed_login_count ?? 0;
  }

  /** Locks the account; the failure count starts again, so the lock's end gives the full number of tries. */
  async lock(manager: EntityManager, userId: string, until: Date, now: Date): Promise<void> {
    await manager.update(
      UserEntity,
      { id: userId },
      { lockedUntil: until, failedLoginCount: 0, updatedAt: now },
    );
  }

  async clearFailures(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await manager.query(
      'UPDATE "users" SET "failed_login_count" = 0, "updated_at" = $2 WHERE "id" = $1 AND "failed_login_count" <> 0',
      [userId, now],
    );
  }

  /** A re-hash with today's parameters: the same password, so not a password change. */
  async replacePasswordHash(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await manager.update(UserEntity, { id: userId }, { passwordHash });
  }

  /** A new password; also ends any lockout (a reset by emailed token unlocks early). */
  async setPassword(manager: EntityManager, userId: string, passwordHash: string, now: Date): Promise<void> {
    await manager.update(
      UserEntity,
      { id: userId },
      { passwordHash, passwordChangedAt: now, failedLoginCount: 0, lockedUntil: null, updatedAt: now },
    );
  }

  async markEmailVerified(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await manager.query(
      'UPDATE "users" SET "email_verified_at" = $2, "updated_at" = $2 WHERE "id" = $1 AND "email_verified_at" IS NULL',
      [userId, now],
    );
  }

  async insertOneTimeToken(
    manager: EntityManager,
    token: { hash: Buffer; userId: string; purpose: OneTimeTokenPurpose; expiresAt: Date; now: Date },
  ): Promise<void> {
    await manager.insert(OneTimeTokenEntity, {
      hash: token.hash,
      userId: token.userId,
      purpose: token.purpose,
      expiresAt: token.expiresAt,
      createdAt: token.now,
    });
  }

  /**
   * The token row; with `lock` (inside a transaction) locked until it ends, so two uses of one token cannot both
   * succeed.
   */
  findOneTimeToken(
    manager: EntityManager,
    hash: Buffer,
    purpose: OneTimeTokenPurpose,
    options: { lock?: boolean } = {},
  ): Promise<OneTimeTokenEntity | null> {
    return manager.findOne(OneTimeTokenEntity, {
      where: { hash, purpose },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** Spends every unused token of this purpose for the user (the one just used included). */
  async useOneTimeTokens(
    manager: EntityManager,
    userId: string,
    purpose: OneTimeTokenPurpose,
    now: Date,
  ): Promise<void> {
    await manager.query(
      'UPDATE "one_time_tokens" SET "used_at" = $3 WHERE "user_id" = $1 AND "purpose" = $2 AND "used_at" IS NULL',
      [userId, purpose, now],
    );
  }
}
