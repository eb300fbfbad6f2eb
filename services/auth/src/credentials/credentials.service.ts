import { AuditLog } from '@kasho/audit';
import {
  identityEvents,
  type PasswordChangeRequest,
  type PasswordForgotRequest,
  type PasswordResetRequest,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newOpaqueToken, tokenHash } from '../identity-core/one-time-secret';
import { PasswordHasher } from '../identity-core/password-hasher';
import { LoginThrottle } from '../login/login-throttle';
import { checkPassword, normalisePassword, passwordRejectedError } from '../passwords/password-policy';
import { type RevocationResult, SessionsService } from '../sessions/sessions.service';
import { TwoFactorRepository } from '../two-factor/two-factor.repository';
import { isEmailShaped, normaliseEmail } from '../users/email-address';
import { UsersRepository } from '../users/users.repository';

export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const invalidToken = () => new DomainError(ErrorCode.InvalidToken, 'The link is invalid or has expired.');

/**
 * Forgotten password (one answer whether or not the email has an account), reset by a one-time 30-minute token
 * (revokes every session, ends a lockout), and change by the signed-in user (keeps the caller's session only).
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly factors: TwoFactorRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async forgot(request: PasswordForgotRequest): Promise<void> {
    const email = normaliseEmail(text(request.email));
    if (!isEmailShaped(email)) return;
    const now = new Date();
    await withTransaction(this.dataSource, async (manager) => {
      const user = await this.users.findByEmail(manager, email);
      // No account: nothing to send, and the same (empty) answer.
      if (!user) return;
      const token = newOpaqueToken();
      const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
      await this.users.insertOneTimeToken(manager, {
        hash: tokenHash(token),
        userId: user.id,
        purpose: 'password_reset',
        expiresAt,
        now,
      });
      await this.outbox.enqueue(manager, identityEvents.passwordResetRequested, {
        userId: user.id,
        email: user.email,
        token,
        expiresAt: expiresAt.toISOString(),
      });
    });
  }

  async reset(request: PasswordResetRequest): Promise<void> {
    const now = new Date();
    const hash = tokenHash(text(request.token));
    // Read first (no lock) to run the policy with the owner's email and hash outside the transaction.
    const peek = await this.users.findOneTimeToken(this.dataSource.manager, hash, 'password_reset');
    if (!peek || peek.usedAt !== null || peek.expiresAt <= now) throw invalidToken();
    const owner = await this.users.findById(this.dataSource.manager, peek.userId);
    if (!owner) throw invalidToken();
    const check = checkPassword(text(request.newPassword), { email: owner.email });
    if (!check.ok) throw passwordRejectedError(check.rejections, '/newPassword');
    const passwordHash = await this.hasher.hash(check.password);
    const revoked = await withTransaction(this.dataSource, async (manager) => {
      const token = await this.users.findOneTimeToken(manager, hash, 'password_reset', { lock: true });
      if (!token || token.usedAt !== null || token.expiresAt <= now) throw invalidToken();
      await this.users.setPassword(manager, token.userId, passwordHash, now);
      await this.users.useOneTimeTokens(manager, token.userId, 'password_reset', now);
      await this.factors.killChallenges(manager, token.userId, now);
      await this.outbox.enqueue(manager, identityEvents.passwordChanged, {
        userId: token.userId,
        email: owner.email,
        via: 'reset',
        at: now.toISOString(),
      });
      const result = await this.sessions.revokeAllOfUser(manager, token.userId, 'password_reset', now);
      await this.audit.append(manager, {
        actorType: 'user',
        actorId: token.userId,
        action: 'auth.password.reset',
        subjectType: 'user',
        subjectId: token.userId,
        outcome: 'success',
        details: { sessionsRevoked: result.sessionIds.length, lockCleared: true },
        occurredAt: now,
      });
      return result;
    });
    await this.throttle.resetAccount(owner.email);
    await this.sessions.publish(revoked);
  }

  async change(request: PasswordChangeRequest): Promise<void> {
    await this.sessions.requireLive(request);
    const user = await this.users.findById(this.dataSource.manager, request.userId);
    if (!user) throw new DomainError(ErrorCode.Unauthorized, 'The session is not valid; sign in again.');
    const now = new Date();
    if (!(await this.hasher.verify(normalisePassword(text(request.currentPassword)), user.passwordHash))) {
      await withTransaction(this.dataSource, (manager) =>
        this.audit.append(manager, {
          actorType: 'user',
          actorId: user.id,
          action: 'auth.password.change_failed',
          subjectType: 'user',
          subjectId: user.id,
          outcome: 'failure',
          details: { reason: 'wrong_current_password' },
          occurredAt: now,
        }),
      );
      throw new DomainError(ErrorCode.InvalidCredentials, 'The current password is not correct.', {
        status: 422,
      });
    }
    const check = checkPassword(text(request.newPassword), { email: user.email });
    if (!check.ok) throw passwordRejectedError(check.rejections, '/newPassword');
    const passwordHash = await this.hasher.hash(check.password);
    const revoked: RevocationResult = await withTransaction(this.dataSource, async (manager) => {
      await this.users.setPassword(manager, user.id, passwordHash, now);
      await this.outbox.enqueue(manager, identityEvents.passwordChanged, {
        userId: user.id,
        email: user.email,
        via: 'change',
        at: now.toISOString(),
      });
      const result = await this.sessions.revokeAllOfUser(
        manager,
        user.id,
        'password_changed',
        now,
        request.sessionId,
      );
      await this.audit.append(manager, {
        actorType: 'user',
        actorId: user.id,
        action: 'auth.password.changed',
        subjectType: 'user',
        subjectId: user.id,
        outcome: 'success',
        details: { sessionsRevoked: result.sessionIds.length },
        occurredAt: now,
      });
      return result;
    });
    await this.sessions.publish(revoked);
  }
}
