import { AuditLog } from '@kasho/audit';
import {
  type CallerContext,
  identityEvents,
  type MeView,
  type RegisterRequest,
  type RegisterResponse,
  type VerifyEmailRequest,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode, type FieldError } from '@kasho/errors';
import { Outbox, uuidv7 } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newOpaqueToken, tokenHash } from '../identity-core/one-time-secret';
import { PasswordHasher } from '../identity-core/password-hasher';
import { checkPassword, passwordRejectedError } from '../passwords/password-policy';
import { SessionsService } from '../sessions/sessions.service';
import { isEmailShaped, normaliseEmail } from './email-address';
import { UsersRepository } from './users.repository';

export const EMAIL_VERIFICATION_TTL_MS = 24 * 3600 * 1000;
export const MAX_FULL_NAME_LENGTH = 200;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Registration, email verification and the caller's own view. Registering an email that already has an account
 * answers exactly like a new registration (a random id, the same argon2 work) and tells the real owner by email.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    private readonly sessions: SessionsService,
  ) {}

  async register(request: RegisterRequest): Promise<RegisterResponse> {
    const email = normaliseEmail(text(request.email));
    const fullName = text(request.fullName).trim();
    const errors: FieldError[] = [];
    if (!isEmailShaped(email)) errors.push({ pointer: '/email', detail: 'Enter a valid email address.' });
    if (fullName.length === 0 || fullName.length > MAX_FULL_NAME_LENGTH) {
      errors.push({
        pointer: '/fullName',
        detail: `Enter your name (1 to ${MAX_FULL_NAME_LENGTH} characters).`,
      });
    }
    if (errors.length > 0) {
      throw new DomainError(ErrorCode.ValidationFailed, 'The request is not valid.', { errors });
    }
    const check = checkPassword(text(request.password), { email });
    if (!check.ok) throw passwordRejectedError(check.rejections, '/password');
    // Hashed on both paths, so an existing email costs the caller the same time as a new one.
    const passwordHash = await this.hasher.hash(check.password);
    const userId = uuidv7();
    const now = new Date();
    await withTransaction(this.dataSource, async (manager) => {
      const created = await this.users.insert(manager, {
        id: userId,
        email,
        fullName,
        passwordHash,
        roles: ['customer'],
        emailVerifiedAt: null,
        now,
      });
      if (!created) {
        const owner = await this.users.findByEmail(manager, email);
        if (owner) {
          await this.outbox.enqueue(manager, identityEvents.existingAccountRegistration, {
            userId: owner.id,
            email,
            at: now.toISOString(),
          });
        }
        return;
      }
      const token = newOpaqueToken();
      const expiresAt = new Date(now.getTime() + EMAIL_VERIFICATION_TTL_MS);
      await this.users.insertOneTimeToken(manager, {
        hash: tokenHash(token),
        userId,
        purpose: 'email_verification',
        expiresAt,
        now,
      });
      await this.outbox.enqueue(manager, identityEvents.userRegistered, {
        userId,
        email,
        fullName,
        registeredAt: now.toISOString(),
      });
      await this.outbox.enqueue(manager, identityEvents.emailVerificationRequested, {
        userId,
        email,
        token,
        expiresAt: expiresAt.toISOString(),
      });
      await this.audit.append(manager, {
        actorType: 'user',
        actorId: userId,
        action: 'auth.user.registered',
        subjectType: 'user',
        subjectId: userId,
        outcome: 'success',
        ip: request.client?.ip || null,
        details: { roles: ['customer'] },
        occurredAt: now,
      });
    });
    // For an existing email this is a fresh id that names nobody: the caller learns nothing.
    return { userId };
  }

  async verifyEmail(request: VerifyEmailRequest): Promise<void> {
    const now = new Date();
    await withTransaction(this.dataSource, async (manager) => {
      const token = await this.users.findOneTimeToken(
        manager,
        tokenHash(text(request.token)),
        'email_verification',
        {
          lock: true,
        },
      );
      if (!token || token.usedAt !== null || token.expiresAt <= now) {
        throw new DomainError(ErrorCode.InvalidToken, 'The link is invalid or has expired.');
      }
      await this.users.markEmailVerified(manager, token.userId, now);
      await this.users.useOneTimeTokens(manager, token.userId, 'email_verification', now);
      await this.audit.append(manager, {
        actorType: 'user',
        actorId: token.userId,
        action: 'auth.email.verified',
        subjectType: 'user',
        subjectId: token.userId,
        outcome: 'success',
        occurredAt: now,
      });
    });
  }

  async me(caller: CallerContext): Promise<MeView> {
    await this.sessions.requireLive(caller);
    const profile = await this.users.profile(this.dataSource.manager, caller.userId);
    if (!profile) throw new DomainError(ErrorCode.Unauthorized, 'The session is not valid; sign in again.');
    const { user, mfaEnabled } = profile;
    return {
      id: user.id,
      email: user.email,
      fullName: user.fullName,
      roles: user.roles,
      mfaEnabled,
      emailVerified: user.emailVerifiedAt !== null,
      createdAt: user.createdAt.toISOString(),
    };
  }
}
