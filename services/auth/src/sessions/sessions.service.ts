import { AuditLog } from '@kasho/audit';
import {
  type CallerContext,
  type ClientContext,
  type RefreshRequest,
  type RevokeSessionRequest,
  type SessionList,
  type TokenPair,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { uuidv7 } from '@kasho/messaging';
import { type KeySet, signAccessToken } from '@kasho/security';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../identity-core/auth-settings';
import { newOpaqueToken, tokenHash } from '../identity-core/one-time-secret';
import { SessionRevocationList } from '../identity-core/session-revocation-list';
import { SIGNING_KEYSET } from '../keys/signing-keyset';
import { SessionsRepository } from './sessions.repository';

/** Absolute session lifetime: refresh-token rotation never extends a session beyond it. */
export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
/** How far back a (address, user agent) pair counts as a known device. */
const KNOWN_DEVICE_WINDOW_MS = 90 * 24 * 3600 * 1000;
/** Extra margin when re-publishing revocations at start-up (the gateway tolerates this much clock skew). */
const RESYNC_MARGIN_MS = 60_000;

export interface IssuedSession {
  sessionId: string;
  tokens: TokenPair;
  /** True when the user had signed in before, but never from this address and user agent. */
  newDevice: boolean;
}

export interface RevocationResult {
  sessionIds: string[];
  revokedAt: Date;
}

const unauthorized = () =>
  new DomainError(ErrorCode.Unauthorized, 'The session is not valid; sign in again.');

/**
 * Sessions and their tokens: issuing them at sign-in, RFC 9700 refresh-token rotation with reuse detection, the
 * owner's list and revocation. Every revocation is written to the database first (the source of truth), then to
 * the gateway's revocation list in Redis; a failed Redis write fails the RPC retryable.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditLog,
    private readonly revocationList: SessionRevocationList,
    @Inject(SIGNING_KEYSET) private readonly keyset: KeySet,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Redis runs without persistence: put back every revocation whose access tokens may still be alive. */
  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    const since = new Date(
      now.getTime() - this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS * 1000 - RESYNC_MARGIN_MS,
    );
    const revoked = await this.sessions.revokedSince(this.dataSource.manager, since);
    for (const session of revoked) {
      if (session.revokedAt) await this.revocationList.publish([session.id], session.revokedAt, now);
    }
    if (revoked.length > 0) this.logger.log(`re-published ${revoked.length} recent session revocation(s)`);
  }

  /** Opens a session for a user who just proved who they are, inside the caller's transaction. */
  async issue(
    manager: EntityManager,
    input: { userId: string; roles: string[]; amr: string[]; client: ClientContext; now: Date },
  ): Promise<IssuedSession> {
    const { userId, now } = input;
    const ip = input.client.ip || null;
    const userAgent = input.client.userAgent ?? null;
    const history = await this.sessions.deviceHistory(
      manager,
      userId,
      ip,
      userAgent,
      new Date(now.getTime() - KNOWN_DEVICE_WINDOW_MS),
    );
    const sessionId = uuidv7();
    const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await this.sessions.insertSession(manager, {
      id: sessionId,
      userId,
      amr: input.amr,
      ip,
      userAgent,
      now,
      expiresAt,
    });
    const tokens = await this.tokenPair(manager, {
      sessionId,
      userId,
      roles: input.roles,
      amr: input.amr,
      now,
      expiresAt,
    });
    return { sessionId, tokens, newDevice: history.hadSessions && !history.seenDevice };
  }

  async refresh(request: RefreshRequest): Promise<TokenPair> {
    const refreshToken = typeof request.refreshToken === 'string' ? request.refreshToken : '';
    const now = new Date();
    const outcome = await withTransaction(this.dataSource, async (manager) => {
      const found = await this.sessions.findRefreshTokenForUpdate(manager, tokenHash(refreshToken));
      if (!found) return { kind: 'invalid' as const };
      const { token, session } = found;
      if (token.usedAt !== null) {
        // A rotated token came back: it was stolen, or the client was. Kill the whole family (RFC 9700 4.14.2).
        const revoked = await this.revokeInTransaction(
          manager,
          session.userId,
          [session.id],
          'refresh_token_reuse',
          now,
          {
            ip: request.client?.ip,
          },
        );
        return { kind: 'reused' as const, revoked };
      }
      if (session.revokedAt !== null || token.expiresAt <= now || session.expiresAt <= now) {
        return { kind: 'invalid' as const };
      }
      const roles = await this.sessions.userRoles(manager, session.userId);
      if (!roles) return { kind: 'invalid' as const };
      await this.sessions.markRefreshTokenUsed(manager, token.hash, now);
      await this.sessions.touch(manager, session.id, now);
      const tokens = await this.tokenPair(manager, {
        sessionId: session.id,
        userId: session.userId,
        roles,
        amr: session.amr,
        now,
        expiresAt: session.expiresAt,
      });
      return { kind: 'rotated' as const, tokens };
    });
    switch (outcome.kind) {
      case 'rotated':
        return outcome.tokens;
      case 'reused':
        await this.publish(outcome.revoked);
        throw unauthorized();
      case 'invalid':
        throw unauthorized();
    }
  }

  async logout(caller: CallerContext): Promise<void> {
    const result = await withTransaction(this.dataSource, (manager) =>
      this.revokeInTransaction(manager, caller.userId, [caller.sessionId], 'logout', new Date()),
    );
    // Also when it was revoked already: a retry after a failed Redis write must write it again.
    await this.revocationList.publish(
      [caller.sessionId],
      result.sessionIds.length ? result.revokedAt : new Date(),
    );
  }

  async list(caller: CallerContext): Promise<SessionList> {
    await this.requireLive(caller);
    const live = await this.sessions.findLive(this.dataSource.manager, caller.userId, new Date());
    return {
      data: live.map((session) => ({
        id: session.id,
        createdAt: session.createdAt.toISOString(),
        lastUsedAt: session.lastUsedAt.toISOString(),
        ip: session.ip,
        userAgent: session.userAgent,
        current: session.id === caller.sessionId,
      })),
    };
  }

  /** Someone else's session and an unknown id answer the same 404 (no existence oracle). */
  async revokeOne(request: RevokeSessionRequest): Promise<void> {
    await this.requireLive(request);
    const now = new Date();
    const result = await withTransaction(this.dataSource, async (manager) => {
      const target = await this.sessions.findOwned(manager, request.userId, String(request.targetSessionId));
      if (!target || target.revokedAt !== null || target.expiresAt <= now) return null;
      return this.revokeInTransaction(manager, request.userId, [target.id], 'revoked_by_user', now);
    });
    if (!result) throw new DomainError(ErrorCode.NotFound, 'No such session.');
    await this.publish(result);
  }

  /** Revokes (and audits) every live session of the user but `exceptSessionId`, in the caller's transaction. */
  async revokeAllOfUser(
    manager: EntityManager,
    userId: string,
    reason: string,
    now: Date,
    exceptSessionId: string | null = null,
  ): Promise<RevocationResult> {
    const sessionIds = await this.sessions.revokeAllOfUser(manager, userId, reason, now, exceptSessionId);
    for (const sessionId of sessionIds) await this.auditRevocation(manager, userId, sessionId, reason, now);
    return { sessionIds, revokedAt: now };
  }

  /** After the revoking transaction committed: tell the gateway (Redis). */
  async publish(result: RevocationResult): Promise<void> {
    if (result.sessionIds.length > 0) await this.revocationList.publish(result.sessionIds, result.revokedAt);
  }

  /** The caller's token names a session that is still the user's and live; else 401. */
  async requireLive(caller: CallerContext): Promise<void> {
    if (typeof caller.userId !== 'string' || typeof caller.sessionId !== 'string') throw unauthorized();
    const session = await this.sessions.findOwned(this.dataSource.manager, caller.userId, caller.sessionId);
    if (!session || session.revokedAt !== null || session.expiresAt <= new Date()) throw unauthorized();
  }

  private async revokeInTransaction(
    manager: EntityManager,
    userId: string,
    sessionIds: string[],
    reason: string,
    now: Date,
    context: { ip?: string } = {},
  ): Promise<RevocationResult> {
    const revoked = await this.sessions.revoke(manager, userId, sessionIds, reason, now);
    for (const sessionId of revoked)
      await this.auditRevocation(manager, userId, sessionId, reason, now, context.ip);
    return { sessionIds: revoked, revokedAt: now };
  }

  private async auditRevocation(
    manager: EntityManager,
    userId: string,
    sessionId: string,
    reason: string,
    now: Date,
    ip?: string,
  ): Promise<void> {
    await this.audit.append(manager, {
      actorType: 'user',
      actorId: userId,
      action: 'auth.session.revoked',
      subjectType: 'session',
      subjectId: sessionId,
      outcome: 'success',
      ip: ip || null,
      details: { reason },
      occurredAt: now,
    });
  }

  private async tokenPair(
    manager: EntityManager,
    input: { sessionId: string; userId: string; roles: string[]; amr: string[]; now: Date; expiresAt: Date },
  ): Promise<TokenPair> {
    const refreshToken = newOpaqueToken();
    await this.sessions.insertRefreshToken(manager, {
      hash: tokenHash(refreshToken),
      sessionId: input.sessionId,
      now: input.now,
      expiresAt: input.expiresAt,
    });
    const ttlSeconds = this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    const accessToken = await signAccessToken(
      this.keyset,
      { sub: input.userId, sid: input.sessionId, roles: input.roles, scopes: [], amr: input.amr },
      { issuer: this.config.AUTH_ISSUER, audience: this.config.AUTH_AUDIENCE, ttlSeconds, now: input.now },
    );
    return { accessToken, refreshToken, expiresIn: ttlSeconds, tokenType: 'Bearer' };
  }
}
