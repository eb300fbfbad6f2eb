import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';
import { SessionEntity } from './session.entity';

export interface NewSession {
  id: string;
  userId: string;
  amr: string[];
  ip: string | null;
  userAgent: string | null;
  now: Date;
  expiresAt: Date;
}

export interface RefreshTokenWithSession {
  token: RefreshTokenEntity;
  session: SessionEntity;
}

interface RefreshRow {
  hash: Buffer;
  session_id: string;
  token_created_at: Date;
  token_expires_at: Date;
  used_at: Date | null;
  user_id: string;
  amr: string[];
  session_expires_at: Date;
  revoked_at: Date | null;
}

/** Sessions and their refresh-token families. Every method runs in the caller's transaction (`manager`). */
@Injectable()
export class SessionsRepository {
  async insertSession(manager: EntityManager, session: NewSession): Promise<void> {
    await manager.insert(SessionEntity, {
      id: session.id,
      userId: session.userId,
      amr: session.amr,
      ip: session.ip,
      userAgent: session.userAgent,
      createdAt: session.now,
      lastUsedAt: session.now,
      expiresAt: session.expiresAt,
    });
  }

  async insertRefreshToken(
    manager: EntityManager,
    token: { hash: Buffer; sessionId: string; now: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.insert(RefreshTokenEntity, {
      hash: token.hash,
      sessionId: token.sessionId,
      createdAt: token.now,
      expiresAt: token.expiresAt,
    });
  }

  /** The token and its session, both rows locked until the transaction ends (one rotation at a time). */
  async findRefreshTokenForUpdate(
    manager: EntityManager,
    hash: Buffer,
  ): Promise<RefreshTokenWithSession | null> {
    const rows = await manager.query<RefreshRow[]>(
      'SELECT t."hash", t."session_id", t."created_at" AS token_created_at, t."expires_at" AS token_expires_at, ' +
        't."used_at", s."user_id", s."amr", s."expires_at" AS session_expires_at, s."revoked_at" ' +
        'FROM "refresh_tokens" t JOIN "sessions" s ON s."id" = t."session_id" WHERE t."hash" = $1 FOR UPDATE',
      [hash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      token: Object.assign(new RefreshTokenEntity(), {
        hash: row.hash,
        sessionId: row.session_id,
        createdAt: row.token_created_at,
        expiresAt: row.token_expires_at,
        usedAt: row.used_at,
      }),
      session: Object.assign(new SessionEntity(), {
        id: row.session_id,
        userId: row.user_id,
        amr: row.amr,
        expiresAt: row.session_expires_at,
        revokedAt: row.revoked_at,
      }),
    };
  }

  async markRefreshTokenUsed(manager: EntityManager, hash: Buffer, now: Date): Promise<void> {
    await manager.update(RefreshTokenEntity, { hash }, { usedAt: now });
  }

  async touch(manager: EntityManager, sessionId: string, now: Date): Promise<void> {
    await manager.update(SessionEntity, { id: sessionId }, { lastUsedAt: now });
  }

  /** The user's session with this id, whatever its state; null for another user's or an unknown id. */
  findOwned(manager: EntityManager, userId: string, sessionId: string): Promise<SessionEntity | null> {
    return manager.findOne(SessionEntity, { where: { id: sessionId, userId } });
  }

  /** The user's sessions that are neither revoked nor expired, most recently used first. */
  findLive(manager: EntityManager, userId: string, now: Date): Promise<SessionEntity[]> {
    return manager
      .createQueryBuilder(SessionEntity, 's')
      .where('s.userId = :userId', { userId })
      .andWhere('s.revokedAt IS NULL')
      .andWhere('s.expiresAt > :now', { now })
      .orderBy('s.lastUsedAt', 'DESC')
      .getMany();
  }

  /** Revokes the given sessions of the user that are still live; returns the ids it revoked. */
  async revoke(
    manager: EntityManager,
    userId: string,
    sessionIds: readonly string[],
    reason: string,
    now: Date,
  ): Promise<string[]> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      'UPDATE "sessions" SET "revoked_at" = $3, "revoke_reason" = $4 ' +
        'WHERE "user_id" = $1 AND "id" = ANY($2::uuid[]) AND "revoked_at" IS NULL RETURNING "id"',
      [userId, sessionIds, now, reason],
    );
    return rows.map((row) => row.id);
  }

  /** Revokes every live session of the user but `exceptSessionId`; returns the ids it revoked. */
  async revokeAllOfUser(
    manager: EntityManager,
    userId: string,
    reason: string,
    now: Date,
    exceptSessionId: string | null = null,
  ): Promise<string[]> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      'UPDATE "sessions" SET "revoked_at" = $2, "revoke_reason" = $3 ' +
        'WHERE "user_id" = $1 AND "revoked_at" IS NULL AND "expires_at" > $2 ' +
        'AND ($4::uuid IS NULL OR "id" <> $4::uuid) RETURNING "id"',
      [userId, now, reason, exceptSessionId],
    );
    return rows.map((row) => row.id);
  }

  /** Whether the user signed in before, and whether from this (address, user agent) since `since`. */
  async deviceHistory(
    manager: EntityManager,
    userId: string,
    ip: string | null,
    userAgent: string | null,
    since: Date,
  ): Promise<{ hadSessions: boolean; seenDevice: boolean }> {
    const [row] = await manager.query<Array<{ had_sessions: boolean; seen_device: boolean }>>(
      'SELECT EXISTS (SELECT 1 FROM "sessions" WHERE "user_id" = $1) AS had_sessions, ' +
        'EXISTS (SELECT 1 FROM "sessions" WHERE "user_id" = $1 AND "created_at" >= $4 ' +
        'AND "ip" IS NOT DISTINCT FROM $2 AND "user_agent" IS NOT DISTINCT FROM $3) AS seen_device',
      [userId, ip, userAgent, since],
    );
    return { hadSessions: row?.had_sessions ?? false, seenDevice: row?.seen_device ?? false };
  }

  async userRoles(manager: EntityManager, userId: string): Promise<string[] | null> {
    const rows = await manager.query<Array<{ roles: string[] }>>(
      'SELECT "roles" FROM "users" WHERE "id" = $1',
      [userId],
    );
    return rows[0]?.roles ?? null;
  }

  /** Sessions revoked at or after `since`, for re-publishing the revocation list after Redis lost it. */
  revokedSince(manager: EntityManager, since: Date): Promise<Array<Pick<SessionEntity, 'id' | 'revokedAt'>>> {
    return manager
      .createQueryBuilder(SessionEntity, 's')
      .select(['s.id', 's.revokedAt'])
      .where('s.revokedAt >= :since', { since })
      .getMany();
  }
}
