import { AuditLog } from '@kasho/audit';
import {
  type ClientContext,
  identityEvents,
  type LoginRequest,
  type LoginResponse,
  type MfaVerifyRequest,
  type TokenPair,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox } from '@kasho/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../identity-core/auth-settings';
import { PasswordHasher } from '../identity-core/password-hasher';
import { normalisePassword } from '../passwords/password-policy';
import { type IssuedSession, SessionsService } from '../sessions/sessions.service';
import { TwoFactorService } from '../two-factor/two-factor.service';
import { normaliseEmail } from '../users/email-address';
import { type UserEntity } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { LoginThrottle } from './login-throttle';

const PASSWORD_AMR = ['pwd'];
const MFA_AMR = ['pwd', 'otp', 'mfa'];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
// One detail for every refusal: wrong password, unknown email and locked account must not be told apart.
const invalidCredentials = () =>
  new DomainError(ErrorCode.InvalidCredentials, 'The email address or password is not correct.');

/**
 * Sign-in: password, then (with MFA on) the second step. An unknown email is verified against a dummy hash and a
 * locked account's password is still checked, so all three failures cost the same time and get the same answer.
 * Throttling: growing delays per account and per address in Redis (an attempt inside a delay is refused with
 * 429 before any password is checked); after AUTH_LOGIN_MAX_FAILURES consecutive failures the account locks
 * for AUTH_LOCKOUT_MINUTES (PCI DSS 8.3.4) and its owner is told by email.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly twoFactor: TwoFactorService,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async login(request: LoginRequest): Promise<LoginResponse> {
    const email = normaliseEmail(text(request.email));
    const password = normalisePassword(text(request.password));
    const ip = text(request.client?.ip);
    const wait = await this.throttle.secondsToWait(email, ip);
    if (wait > 0) {
      throw new DomainError(
        ErrorCode.RateLimited,
        `Too many failed sign-in attempts; try again in ${wait} second${wait === 1 ? '' : 's'}.`,
        { retryable: true },
      );
    }
    const user = await this.users.findByEmail(this.dataSource.manager, email);
    const now = new Date();
    const passwordOk = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyDummy(password);
    const locked = user?.lockedUntil != null && user.lockedUntil > now;
    if (!user || !passwordOk || locked) {
      await this.throttle.recordFailure(email, ip);
      await withTransaction(this.dataSource, (manager) => this.recordFailure(manager, user, locked, ip, now));
      throw invalidCredentials();
    }
    await this.throttle.resetAccount(email);
    const rehash = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(password) : null;
    return withTransaction(this.dataSource, async (manager) => {
      if (rehash) await this.users.replacePasswordHash(manager, user.id, rehash);
      await this.users.clearFailures(manager, user.id, now);
      if (await this.twoFactor.isEnabled(manager, user.id)) {
        const mfaToken = await this.twoFactor.openChallenge(manager, user.id, now);
        await this.audit.append(manager, {
          actorType: 'user',
          actorId: user.id,
          action: 'auth.login.mfa_challenged',
          subjectType: 'user',
          subjectId: user.id,
          outcome: 'success',
          ip: ip || null,
          occurredAt: now,
        });
        return { mfaRequired: true as const, mfaToken };
      }
      return this.signIn(manager, user, PASSWORD_AMR, request.client, now);
    });
  }

  async mfaVerify(request: MfaVerifyRequest): Promise<TokenPair> {
    const now = new Date();
    const ip = text(request.client?.ip);
    const outcome = await withTransaction(this.dataSource, async (manager) => {
      const answer = await this.twoFactor.answerChallenge(
        manager,
        text(request.mfaToken),
        text(request.code),
        now,
      );
      if (answer.kind === 'dead') return answer;
      if (answer.kind === 'wrong') {
        await this.audit.append(manager, {
          actorType: 'user',
          actorId: answer.userId,
          action: 'auth.login.failed',
          subjectType: 'user',
          subjectId: answer.userId,
          outcome: 'failure',
          ip: ip || null,
          details: { reason: 'invalid_mfa_code' },
          occurredAt: now,
        });
        return answer;
      }
      const user = await this.users.findById(manager, answer.userId);
      if (!user || (user.lockedUntil !== null && user.lockedUntil > now)) return { kind: 'dead' as const };
      return { kind: 'ok' as const, tokens: await this.signIn(manager, user, MFA_AMR, request.client, now) };
    });
    switch (outcome.kind) {
      case 'ok':
        return outcome.tokens;
      case 'wrong':
        throw new DomainError(ErrorCode.InvalidMfaCode, 'The code is not correct.');
      case 'dead':
        throw new DomainError(ErrorCode.Unauthorized, 'The sign-in attempt has expired; sign in again.');
    }
  }

  private async signIn(
    manager: EntityManager,
    user: UserEntity,
    amr: string[],
    client: ClientContext | undefined,
    now: Date,
  ): Promise<TokenPair> {
    const context: ClientContext = { ip: text(client?.ip), userAgent: client?.userAgent };
    const issued: IssuedSession = await this.sessions.issue(manager, {
      userId: user.id,
      roles: user.roles,
      amr,
      client: context,
      now,
    });
    if (issued.newDevice) {
      await this.outbox.enqueue(manager, identityEvents.newDeviceLogin, {
        userId: user.id,
        email: user.email,
        sessionId: issued.sessionId,
        ip: context.ip,
        userAgent: context.userAgent ?? null,
        at: now.toISOString(),
      });
    }
    await this.audit.append(manager, {
      actorType: 'user',
      actorId: user.id,
      action: 'auth.login.succeeded',
      subjectType: 'session',
      subjectId: issued.sessionId,
      outcome: 'success',
      ip: context.ip || null,
      details: { amr, newDevice: issued.newDevice },
      occurredAt: now,
    });
    return issued.tokens;
  }

  private async recordFailure(
    manager: EntityManager,
    user: UserEntity | null,
    locked: boolean,
    ip: string,
    now: Date,
  ): Promise<void> {
    let reason = user ? (locked ? 'account_locked' : 'wrong_password') : 'unknown_account';
    if (user && !locked) {
      const failures = await this.users.recordFailedLogin(manager, user.id, now);
      if (failures >= this.config.AUTH_LOGIN_MAX_FAILURES) {
        const lockedUntil = new Date(now.getTime() + this.config.AUTH_LOCKOUT_MINUTES * 60_000);
        await this.users.lock(manager, user.id, lockedUntil, now);
        await this.outbox.enqueue(manager, identityEvents.accountLocked, {
          userId: user.id,
          email: user.email,
          lockedUntil: lockedUntil.toISOString(),
        });
        await this.audit.append(manager, {
          actorType: 'system',
          action: 'auth.account.locked',
          subjectType: 'user',
          subjectId: user.id,
          outcome: 'success',
          ip: ip || null,
          details: { failures, lockedUntil: lockedUntil.toISOString() },
          occurredAt: now,
        });
        reason = 'wrong_password_locked';
      }
    }
    await this.audit.append(manager, {
      actorType: 'user',
      actorId: user?.id ?? null,
      action: 'auth.login.failed',
      subjectType: user ? 'user' : null,
      subjectId: user?.id ?? null,
      outcome: 'failure',
      ip: ip || null,
      details: { reason },
      occurredAt: now,
    });
  }
}
