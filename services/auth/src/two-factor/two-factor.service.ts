import { AuditLog } from '@kasho/audit';
import {
  type CallerContext,
  identityEvents,
  type MfaCodeRequest,
  type TotpActivateResponse,
  type TotpSetupResponse,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newOpaqueToken, tokenHash } from '../identity-core/one-time-secret';
import { SecretBox } from '../identity-core/secret-box';
import {
  acceptTotp,
  buildOtpauthUri,
  encodeBase32,
  findRecoveryCode,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
} from '../mfa';
import { SessionsService } from '../sessions/sessions.service';
import { UsersRepository } from '../users/users.repository';
import { MfaCodeThrottle } from './mfa-code-throttle';
import { type TotpFactorEntity } from './totp-factor.entity';
import { TwoFactorRepository } from './two-factor.repository';

export const OTPAUTH_ISSUER = 'Kasho';
export const MFA_CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;

const invalidCode = () => new DomainError(ErrorCode.InvalidCode, 'The code is not valid.');
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

type CodeRefusal = { kind: 'wrong' } | { kind: 'throttled'; wait: number };

/**
 * TOTP self-service (setup, activation with a current code, disabling with a current code) and the second factor
 * at sign-in. Every TOTP code is accepted once only: the accepted time step is stored with the factor, in the same
 * transaction as what the code allowed. Self-service codes are throttled per user (MfaCodeThrottle); the sign-in
 * step has its own limit, five answers per challenge.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly factors: TwoFactorRepository,
    private readonly users: UsersRepository,
    private readonly box: SecretBox,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    private readonly sessions: SessionsService,
    private readonly codeThrottle: MfaCodeThrottle,
  ) {}

  async setup(caller: CallerContext): Promise<TotpSetupResponse> {
    await this.sessions.requireLive(caller);
    const secret = generateTotpSecret();
    const now = new Date();
    const email = await withTransaction(this.dataSource, async (manager) => {
      const user = await this.users.findById(manager, caller.userId, { lock: true });
      if (!user) throw new DomainError(ErrorCode.Unauthorized, 'The session is not valid; sign in again.');
      const factor = await this.factors.findFactor(manager, caller.userId);
      if (factor?.enabledAt)
        throw new DomainError(ErrorCode.Conflict, 'Two-factor authentication is already on.');
      await this.factors.savePendingFactor(manager, caller.userId, this.box.seal(secret, caller.userId), now);
      return user.email;
    });
    return {
      secret: encodeBase32(secret),
      otpauthUri: buildOtpauthUri({ secret, issuer: OTPAUTH_ISSUER, accountName: email }),
    };
  }

  async activate(request: MfaCodeRequest): Promise<TotpActivateResponse> {
    await this.sessions.requireLive(request);
    const now = new Date();
    const codes = generateRecoveryCodes();
    const outcome = await withTransaction(this.dataSource, async (manager) => {
      const factor = await this.factors.findFactor(manager, request.userId, { lock: true });
      if (!factor || factor.enabledAt) {
        throw new DomainError(ErrorCode.Conflict, 'There is no pending two-factor setup; start one first.');
      }
      const step = await this.checkCode(manager, factor, request, 'totp_activate', now);
      if (typeof step !== 'number') return step;
      await this.factors.enableFactor(manager, request.userId, step, now);
      await this.factors.replaceRecoveryCodes(manager, request.userId, codes.map(hashRecoveryCode), now);
      await this.recordChange(manager, request.userId, true, now);
      return null;
    });
    this.settle(outcome);
    return { recoveryCodes: codes };
  }

  async disable(request: MfaCodeRequest): Promise<void> {
    await this.sessions.requireLive(request);
    const now = new Date();
    // A wrong code still spends nothing; the transaction only writes when the code was right (or to audit a
    // refusal).
    const outcome = await withTransaction(this.dataSource, async (manager) => {
      const factor = await this.factors.findFactor(manager, request.userId, { lock: true });
      if (!factor?.enabledAt)
        throw new DomainError(ErrorCode.Conflict, 'Two-factor authentication is not on.');
      const step = await this.checkCode(manager, factor, request, 'mfa_disable', now);
      if (typeof step !== 'number') return step;
      await this.factors.deleteFactor(manager, request.userId);
      await this.recordChange(manager, request.userId, false, now);
      return null;
    });
    this.settle(outcome);
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return Boolean((await this.factors.findFactor(manager, userId))?.enabledAt);
  }

  /** Opens the second sign-in step; returns the raw `mfaToken` (only its hash is stored). */
  async openChallenge(manager: EntityManager, userId: string, now: Date): Promise<string> {
    const token = newOpaqueToken();
    await this.factors.insertChallenge(manager, {
      hash: tokenHash(token),
      userId,
      now,
      expiresAt: new Date(now.getTime() + MFA_CHALLENGE_TTL_MS),
    });
    return token;
  }

  /**
   * Checks a second-step answer inside the caller's transaction. `dead`: unknown, expired, used or out of
   * attempts; `wrong`: counted (the fifth wrong answer kills the challenge); `ok`: the code (TOTP step or
   * recovery code) is spent and so is the challenge.
   */
  async answerChallenge(
    manager: EntityManager,
    mfaToken: string,
    code: string,
    now: Date,
  ): Promise<{ kind: 'dead' } | { kind: 'wrong'; userId: string } | { kind: 'ok'; userId: string }> {
    const hash = tokenHash(mfaToken);
    const challenge = await this.factors.findChallengeForUpdate(manager, hash);
    if (
      !challenge ||
      challenge.usedAt !== null ||
      challenge.expiresAt <= now ||
      challenge.attempts >= MFA_CHALLENGE_MAX_ATTEMPTS
    ) {
      return { kind: 'dead' };
    }
    const { userId } = challenge;
    const factor = await this.factors.findFactor(manager, userId, { lock: true });
    if (!factor?.enabledAt) return { kind: 'dead' };
    const step = this.acceptCode(factor, userId, code, now);
    if (step !== null) {
      await this.factors.recordUsedStep(manager, userId, step);
    } else {
      const recovery = await this.factors.unusedRecoveryCodes(manager, userId);
      const index = findRecoveryCode(
        code,
        recovery.map((row) => row.hash),
      );
      if (index === -1) {
        const attempts = challenge.attempts + 1;
        await this.factors.recordChallengeAttempt(
          manager,
          hash,
          attempts,
          attempts >= MFA_CHALLENGE_MAX_ATTEMPTS,
          now,
        );
        return { kind: 'wrong', userId };
      }
      await this.factors.useRecoveryCode(manager, recovery[index].id, now);
    }
    await this.factors.useChallenge(manager, hash, now);
    return { kind: 'ok', userId };
  }

  /**
   * A self-service code, checked under the factor's row lock (which the caller holds): attempts of one user take
   * turns, so each sees the failures counted before it and concurrent guesses cannot slip past the limit. Past the
   * limit the code is not looked at and the refusal is audited in the caller's transaction. Answers the accepted
   * step, or why there is none; wrong codes are counted here, the errors are thrown after the commit.
   */
  private async checkCode(
    manager: EntityManager,
    factor: TotpFactorEntity,
    request: MfaCodeRequest,
    operation: 'totp_activate' | 'mfa_disable',
    now: Date,
  ): Promise<number | CodeRefusal> {
    const wait = await this.codeThrottle.secondsToWait(request.userId);
    if (wait > 0) {
      await this.audit.append(manager, {
        actorType: 'user',
        actorId: request.userId,
        action: 'auth.mfa.code_throttled',
        subjectType: 'user',
        subjectId: request.userId,
        outcome: 'failure',
        details: { operation, retryAfterSeconds: wait },
        occurredAt: now,
      });
      return { kind: 'throttled', wait };
    }
    const step = this.acceptCode(factor, request.userId, text(request.code), now);
    // Cleared before the commit, not after: a Redis failure then must not cost the caller the recovery codes
    // the committed activation answers with. A commit failing after the reset only forgets earlier typos.
    if (step !== null) {
      await this.codeThrottle.reset(request.userId);
      return step;
    }
    await this.codeThrottle.recordFailure(request.userId);
    return { kind: 'wrong' };
  }

  /** After the transaction committed (so a refusal's audit entry stays): a refusal becomes its error. */
  private settle(refusal: CodeRefusal | null): void {
    if (refusal === null) return;
    if (refusal.kind === 'wrong') throw invalidCode();
    const { wait } = refusal;
    throw new DomainError(
      ErrorCode.RateLimited,
      `Too many wrong codes; try again in ${wait} second${wait === 1 ? '' : 's'}.`,
      { retryable: true },
    );
  }

  /** The step `code` is for, when it is later than the last accepted one; else null. */
  private acceptCode(factor: TotpFactorEntity, userId: string, code: string, now: Date): number | null {
    const secret = this.box.open(factor.secretCiphertext, userId);
    const last = factor.lastUsedStep === null ? null : Number(factor.lastUsedStep);
    const acceptance = acceptTotp(secret, code.trim(), now, last);
    return acceptance.ok ? acceptance.step : null;
  }

  private async recordChange(
    manager: EntityManager,
    userId: string,
    enabled: boolean,
    now: Date,
  ): Promise<void> {
    const user = await this.users.findById(manager, userId);
    if (user) {
      await this.outbox.enqueue(manager, identityEvents.mfaChanged, {
        userId,
        email: user.email,
        enabled,
        at: now.toISOString(),
      });
    }
    await this.audit.append(manager, {
      actorType: 'user',
      actorId: userId,
      action: enabled ? 'auth.mfa.enabled' : 'auth.mfa.disabled',
      subjectType: 'user',
      subjectId: userId,
      outcome: 'success',
      details: { method: 'totp' },
      occurredAt: now,
    });
  }
}
