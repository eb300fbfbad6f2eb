import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

// One replica at a time: a session-level lock held on the round's own connection, released at its end (or by
// PostgreSQL when that connection dies with the process).
const TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('kasho.auth.identity-retention')) AS locked";
const UNLOCK = "SELECT pg_advisory_unlock(hashtext('kasho.auth.identity-retention'))";

// Each batch is one short autocommit statement over at most $2 rows, so no lock is held for long. SKIP LOCKED passes
// over rows a request holds right now (a refresh locks its token and session), instead of waiting for it.
// `ctid = ANY(ARRAY(...))` plans as a TID scan over the rows the subquery locked (MessagingRetention's pattern).
const batch = (table: string, select: string, lockOf = '') =>
  `DELETE FROM "${table}" WHERE ctid = ANY(ARRAY(${select} LIMIT $2 FOR UPDATE${lockOf} SKIP LOCKED))`;

/** Tokens that expired before $1 (IDX_refresh_tokens_expires_at). A token never outlives its session. */
const DELETE_EXPIRED_REFRESH_TOKENS = batch(
  'refresh_tokens',
  'SELECT ctid FROM "refresh_tokens" WHERE "expires_at" < $1',
);
/**
 * Tokens used before $1 in sessions that were revoked, the only dead sessions whose tokens have not expired; driven
 * from IDX_sessions_revoked_at, bounded below by $3 (older revocations' tokens have expired and go above).
 */
const DELETE_USED_REFRESH_TOKENS_OF_REVOKED_SESSIONS = batch(
  'refresh_tokens',
  'SELECT t.ctid FROM "sessions" s JOIN "refresh_tokens" t ON t."session_id" = s."id" ' +
    'WHERE s."revoked_at" IS NOT NULL AND s."revoked_at" >= $3 AND t."used_at" < $1',
  ' OF t',
);
const DELETE_DEAD_ONE_TIME_TOKENS = batch(
  'one_time_tokens',
  'SELECT ctid FROM "one_time_tokens" WHERE "expires_at" < $1 OR "used_at" < $1',
);
const DELETE_DEAD_MFA_CHALLENGES = batch(
  'mfa_challenges',
  'SELECT ctid FROM "mfa_challenges" WHERE "expires_at" < $1 OR "used_at" < $1',
);
/** Sessions that ended (expired or revoked) before $1; their tokens cascade, though by then none are left. */
const DELETE_ENDED_SESSIONS = batch(
  'sessions',
  'SELECT ctid FROM "sessions" WHERE "expires_at" < $1 OR "revoked_at" < $1',
);

/**
 * The retention job's statements. Each delete takes one batch and answers how many rows it removed; all of them
 * run on the connection of the manager given (the one holding the lock). Never touches `audit_log`.
 */
@Injectable()
export class IdentityRetentionRepository {
  async tryLock(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query<Array<{ locked: boolean }>>(TRY_LOCK);
    return row?.locked === true;
  }

  async unlock(manager: EntityManager): Promise<void> {
    await manager.query(UNLOCK);
  }

  deleteExpiredRefreshTokens(manager: EntityManager, expiredBefore: Date, limit: number): Promise<number> {
    return deleted(manager, DELETE_EXPIRED_REFRESH_TOKENS, [expiredBefore, limit]);
  }

  deleteUsedRefreshTokensOfRevokedSessions(
    manager: EntityManager,
    usedBefore: Date,
    revokedSince: Date,
    limit: number,
  ): Promise<number> {
    return deleted(manager, DELETE_USED_REFRESH_TOKENS_OF_REVOKED_SESSIONS, [
      usedBefore,
      limit,
      revokedSince,
    ]);
  }

  deleteDeadOneTimeTokens(manager: EntityManager, endedBefore: Date, limit: number): Promise<number> {
    return deleted(manager, DELETE_DEAD_ONE_TIME_TOKENS, [endedBefore, limit]);
  }

  deleteDeadMfaChallenges(manager: EntityManager, endedBefore: Date, limit: number): Promise<number> {
    return deleted(manager, DELETE_DEAD_MFA_CHALLENGES, [endedBefore, limit]);
  }

  deleteEndedSessions(manager: EntityManager, endedBefore: Date, limit: number): Promise<number> {
    return deleted(manager, DELETE_ENDED_SESSIONS, [endedBefore, limit]);
  }
}

async function deleted(manager: EntityManager, statement: string, parameters: unknown[]): Promise<number> {
  // TypeORM's postgres driver returns [rows, affected count] for a DELETE.
  const [, count] = await manager.query<[unknown[], number]>(statement, parameters);
  return count;
}
