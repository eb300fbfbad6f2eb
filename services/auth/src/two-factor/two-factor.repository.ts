import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import { uuidv7 } from '@kasho/messaging';
import { MfaChallengeEntity } from './mfa-challenge.entity';
import { RecoveryCodeEntity } from './recovery-code.entity';
import { TotpFactorEntity } from './totp-factor.entity';

/** The TOTP factor, recovery codes and sign-in challenges. Every method runs in the caller's transaction. */
@Injectable()
export class TwoFactorRepository {
  findFactor(
    manager: EntityManager,
    userId: string,
    options: { lock?: boolean } = {},
  ): Promise<TotpFactorEntity | null> {
    return manager.findOne(TotpFactorEntity, {
      where: { userId },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** A new pending factor, replacing a pending one (never an enabled one: the caller checks). */
  async savePendingFactor(
    manager: EntityManager,
    userId: string,
    secretCiphertext: Buffer,
    now: Date,
  ): Promise<void> {
    await manager.query(
      'INSERT INTO "mfa" ("user_id", "secret_ciphertext", "enabled_at", "last_used_step", "created_at") ' +
        'VALUES ($1, $2, NULL, NULL, $3) ON CONFLICT ("user_id") DO UPDATE SET ' +
        '"secret_ciphertext" = EXCLUDED."secret_ciphertext", "enabled_at" = NULL, "last_used_step" = NULL, ' +
        '"created_at" = EXCLUDED."created_at" WHERE "mfa"."enabled_at" IS NULL',
      [userId, secretCiphertext, now],
    );
  }

  async enableFactor(manager: EntityManager, userId: string, step: number, now: Date): Promise<void> {
    await manager.update(TotpFactorEntity, { userId }, { enabledAt: now, lastUsedStep: String(step) });
  }

  async recordUsedStep(manager: EntityManager, userId: string, step: number): Promise<void> {
    await manager.update(TotpFactorEntity, { userId }, { lastUsedStep: String(step) });
  }

  async deleteFactor(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(TotpFactorEntity, { userId });
    await manager.delete(RecoveryCodeEntity, { userId });
  }

  async replaceRecoveryCodes(
    manager: EntityManager,
    userId: string,
    hashes: string[],
    now: Date,
  ): Promise<void> {
    await manager.delete(RecoveryCodeEntity, { userId });
    await manager.insert(
      RecoveryCodeEntity,
      hashes.map((hash) => ({ id: uuidv7(), userId, hash, createdAt: now })),
    );
  }

  /** The user's unused recovery codes, locked, so one code cannot be spent twice concurrently. */
  unusedRecoveryCodes(manager: EntityManager, userId: string): Promise<RecoveryCodeEntity[]> {
    return manager.find(RecoveryCodeEntity, {
      where: { userId, usedAt: IsNull() },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async useRecoveryCode(manager: EntityManager, id: string, now: Date): Promise<void> {
    await manager.update(RecoveryCodeEntity, { id }, { usedAt: now });
  }

  async insertChallenge(
    manager: EntityManager,
    challenge: { hash: Buffer; userId: string; now: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.insert(MfaChallengeEntity, {
      hash: challenge.hash,
      userId: challenge.userId,
      createdAt: challenge.now,
      expiresAt: challenge.expiresAt,
    });
  }

  findChallengeForUpdate(manager: EntityManager, hash: Buffer): Promise<MfaChallengeEntity | null> {
    return manager.findOne(MfaChallengeEntity, { where: { hash }, lock: { mode: 'pessimistic_write' } });
  }

  async recordChallengeAttempt(
    manager: EntityManager,
    hash: Buffer,
    attempts: number,
    killed: boolean,
    now: Date,
  ) {
    await manager.update(MfaChallengeEntity, { hash }, { attempts, ...(killed ? { usedAt: now } : {}) });
  }

  async useChallenge(manager: EntityManager, hash: Buffer, now: Date): Promise<void> {
    await manager.update(MfaChallengeEntity, { hash }, { usedAt: now });
  }

  /** Ends every open challenge of the user (after a password reset, a stolen password's challenge must die). */
  async killChallenges(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await manager.update(MfaChallengeEntity, { userId, usedAt: IsNull() }, { usedAt: now });
  }
}
