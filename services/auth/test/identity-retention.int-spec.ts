import { randomBytes, randomUUID } from 'node:crypto';
import { identityRpc } from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { getOrCreateCounter } from '@kasho/observability';
import { uniqueEmail } from '@kasho/testing';
import { type DataSource } from 'typeorm';
import {
  IdentityRetentionService,
  RETENTION_BATCH_SIZE,
  type RetentionRound,
} from '../src/identity-retention/identity-retention.service';
import { tokenHash } from '../src/identity-core/one-time-secret';
import { startIdentityHarness, type IdentityHarness } from './identity-helpers';

// The identity retention job against real PostgreSQL: what it deletes, what it keeps (above all the used refresh
// tokens of live sessions, which reuse detection needs), that a second round is harmless, and the replica lock.

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
let h: IdentityHarness;
let db: DataSource;
let retention: IdentityRetentionService;
let now: number;

beforeAll(async () => {
  // The timer is off: rounds run by hand. Sessions are kept the default 90 days.
  h = await startIdentityHarness('retention', { AUTH_RETENTION_INTERVAL_SECONDS: '0' });
  db = h.dataSource;
  retention = h.auth.app.get(IdentityRetentionService);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const at = (offsetMs: number) => new Date(now + offsetMs);
const hash = () => randomBytes(32);

async function user(): Promise<string> {
  const id = randomUUID();
  await db.query(
    'INSERT INTO "users" ("id", "email", "full_name", "password_hash", "roles", "password_changed_at") ' +
      "VALUES ($1, $2, 'Retention', 'x', ARRAY['customer'], now())",
    [id, uniqueEmail('retention')],
  );
  return id;
}

async function session(
  userId: string,
  s: { created: number; expires: number; revoked?: number },
): Promise<string> {
  const id = randomUUID();
  await db.query(
    'INSERT INTO "sessions" ("id", "user_id", "amr", "created_at", "last_used_at", "expires_at", "revoked_at") ' +
      "VALUES ($1, $2, ARRAY['pwd'], $3, $3, $4, $5)",
    [id, userId, at(s.created), at(s.expires), s.revoked === undefined ? null : at(s.revoked)],
  );
  return id;
}

/** A refresh token of the session: it expires with the session, as the service issues them. */
async function refreshToken(sessionId: string, used: number | null): Promise<Buffer> {
  const token = hash();
  await db.query(
    'INSERT INTO "refresh_tokens" ("hash", "session_id", "created_at", "expires_at", "used_at") ' +
      'SELECT $1, "id", "created_at", "expires_at", $3 FROM "sessions" WHERE "id" = $2',
    [token, sessionId, used === null ? null : at(used)],
  );
  return token;
}

async function oneTimeToken(userId: string, expires: number, used: number | null = null): Promise<Buffer> {
  const token = hash();
  await db.query(
    'INSERT INTO "one_time_tokens" ("hash", "user_id", "purpose", "created_at", "expires_at", "used_at") ' +
      "VALUES ($1, $2, 'password_reset', $3, $3, $4)",
    [token, userId, at(expires), used === null ? null : at(used)],
  );
  return token;
}

async function challenge(userId: string, expires: number, used: number | null = null): Promise<Buffer> {
  const token = hash();
  await db.query(
    'INSERT INTO "mfa_challenges" ("hash", "user_id", "created_at", "expires_at", "used_at") ' +
      'VALUES ($1, $2, $3, $3, $4)',
    [token, userId, at(expires), used === null ? null : at(used)],
  );
  return token;
}

async function exists(table: string, column: string, value: Buffer | string): Promise<boolean> {
  const rows = await db.query<unknown[]>(`SELECT 1 FROM "${table}" WHERE "${column}" = $1`, [value]);
  return rows.length > 0;
}

async function count(table: string): Promise<number> {
  const [row] = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table}"`);
  return row.n;
}

function deleted(round: RetentionRound): Record<string, number> {
  if (round.skipped) throw new Error('expected the round to run');
  return round.deleted;
}

describe('identity retention', () => {
  it('deletes what is past its threshold, keeps the rest, and a second round deletes nothing', async () => {
    now = Date.now();
    const userId = await user();

    // A live session 20 days in: its rotated tokens are kept however old (reuse detection), and its current one.
    const live = await session(userId, { created: -20 * DAY, expires: 10 * DAY });
    const liveUsedLongAgo = await refreshToken(live, -15 * DAY);
    const liveCurrent = await refreshToken(live, null);
    // Revoked 2 days ago: a token used 10 days ago goes, one used 3 days ago and the unused one stay (for now).
    const revoked = await session(userId, { created: -12 * DAY, expires: 18 * DAY, revoked: -2 * DAY });
    const revokedUsedOld = await refreshToken(revoked, -10 * DAY);
    const revokedUsedRecent = await refreshToken(revoked, -3 * DAY);
    const revokedUnused = await refreshToken(revoked, null);
    // Revoked 40 days ago, expired 15 days ago: every token goes, the session stays as history.
    const oldRevoked = await session(userId, { created: -45 * DAY, expires: -15 * DAY, revoked: -40 * DAY });
    const oldRevokedUsed = await refreshToken(oldRevoked, -41 * DAY);
    const oldRevokedUnused = await refreshToken(oldRevoked, null);
    // Expired 3 days ago: its tokens stay until 7 days after the expiry.
    const expiredRecently = await session(userId, { created: -33 * DAY, expires: -3 * DAY });
    const expiredRecentlyUsed = await refreshToken(expiredRecently, -10 * DAY);
    // Sessions ended more than 90 days ago go (with their tokens); 89 days ago they stay.
    const expiredLongAgo = await session(userId, { created: -130 * DAY, expires: -100 * DAY });
    const expiredLongAgoToken = await refreshToken(expiredLongAgo, null);
    const revokedLongAgo = await session(userId, {
      created: -100 * DAY,
      expires: -70 * DAY,
      revoked: -91 * DAY,
    });
    const revokedNearly = await session(userId, {
      created: -95 * DAY,
      expires: -65 * DAY,
      revoked: -89 * DAY,
    });

    const ottExpiredOld = await oneTimeToken(userId, -8 * DAY);
    const ottUsedOld = await oneTimeToken(userId, -7 * DAY + HOUR, -8 * DAY);
    const ottExpiredRecent = await oneTimeToken(userId, -6 * DAY);
    const ottUsedRecent = await oneTimeToken(userId, HOUR, -HOUR);
    const ottLive = await oneTimeToken(userId, HOUR);
    // More than one batch of expired tokens: the job repeats until a batch comes back short.
    await db.query(
      'INSERT INTO "one_time_tokens" ("hash", "user_id", "purpose", "created_at", "expires_at") ' +
        "SELECT sha256(convert_to(g::text || $4, 'UTF8')), $1, 'email_verification', $2, $2 " +
        'FROM generate_series(1, $3) g',
      [userId, at(-30 * DAY), RETENTION_BATCH_SIZE * 2 + 500, randomUUID()],
    );

    const challengeExpiredOld = await challenge(userId, -25 * HOUR);
    const challengeUsedOld = await challenge(userId, -24 * HOUR + 60_000, -25 * HOUR);
    const challengeExpiredRecent = await challenge(userId, -23 * HOUR);
    const challengeLive = await challenge(userId, 5 * 60_000);

    const auditBefore = await count('audit_log');
    const counter = getOrCreateCounter({
      name: 'kasho_auth_retention_deleted_rows_total',
      help: 'Identity rows deleted by the retention job, by table.',
      labelNames: ['table'] as const,
    });
    const metric = async (table: string) =>
      (await counter.get()).values.find((value) => value.labels.table === table)?.value ?? 0;
    const oneTimeMetricBefore = await metric('one_time_tokens');

    const first = deleted(await retention.runOnce());
    expect(first).toEqual({
      refresh_tokens: 4, // revokedUsedOld, oldRevokedUsed, oldRevokedUnused, expiredLongAgoToken
      one_time_tokens: RETENTION_BATCH_SIZE * 2 + 500 + 2,
      mfa_challenges: 2,
      sessions: 2,
    });
    expect((await metric('one_time_tokens')) - oneTimeMetricBefore).toBe(RETENTION_BATCH_SIZE * 2 + 502);

    const kept = async (table: string, column: string, values: Array<Buffer | string>) =>
      Promise.all(values.map((value) => exists(table, column, value)));
    expect(
      await kept('refresh_tokens', 'hash', [
        liveUsedLongAgo,
        liveCurrent,
        revokedUsedRecent,
        revokedUnused,
        expiredRecentlyUsed,
      ]),
    ).toEqual([true, true, true, true, true]);
    expect(
      await kept('refresh_tokens', 'hash', [
        revokedUsedOld,
        oldRevokedUsed,
        oldRevokedUnused,
        expiredLongAgoToken,
      ]),
    ).toEqual([false, false, false, false]);
    expect(
      await kept('sessions', 'id', [
        live,
        revoked,
        oldRevoked,
        expiredRecently,
        revokedNearly,
        expiredLongAgo,
        revokedLongAgo,
      ]),
    ).toEqual([true, true, true, true, true, false, false]);
    expect(
      await kept('one_time_tokens', 'hash', [
        ottExpiredRecent,
        ottUsedRecent,
        ottLive,
        ottExpiredOld,
        ottUsedOld,
      ]),
    ).toEqual([true, true, true, false, false]);
    expect(
      await kept('mfa_challenges', 'hash', [
        challengeExpiredRecent,
        challengeLive,
        challengeExpiredOld,
        challengeUsedOld,
      ]),
    ).toEqual([true, true, false, false]);
    // The audit trail is never pruned (nor written to by the job).
    expect(await count('audit_log')).toBe(auditBefore);

    const second = deleted(await retention.runOnce());
    expect(second).toEqual({ refresh_tokens: 0, one_time_tokens: 0, mfa_challenges: 0, sessions: 0 });
    expect(await exists('refresh_tokens', 'hash', liveUsedLongAgo)).toBe(true);
  }, 60_000);

  it('skips the round while another replica holds the lock', async () => {
    const other = db.createQueryRunner();
    try {
      await other.query("SELECT pg_advisory_lock(hashtext('kasho.auth.identity-retention'))");
      expect(await retention.runOnce()).toEqual({ skipped: true });
      await other.query("SELECT pg_advisory_unlock(hashtext('kasho.auth.identity-retention'))");
      expect((await retention.runOnce()).skipped).toBe(false);
    } finally {
      await other.release();
    }
  });

  // Last: it runs a round as if 8 days had passed, which judges every row in the database by that clock.
  it('keeps reuse detection working for a live session long after its tokens rotated', async () => {
    const email = uniqueEmail('retention-reuse');
    const password = 'correct horse battery staple 42';
    const client = { ip: '198.51.100.7', userAgent: 'jest' };
    await h.call(identityRpc.register, { email, password, fullName: 'Ada', client });
    const signIn = await h.call(identityRpc.login, { email, password, client });
    if (!('refreshToken' in signIn)) throw new Error('expected tokens');
    const rotated = await h.call(identityRpc.refresh, { refreshToken: signIn.refreshToken, client });

    expect((await retention.runOnce(new Date(Date.now() + 8 * DAY))).skipped).toBe(false);

    // The first token, rotated "8 days ago", still betrays its replay: the session is revoked, its successor dies.
    expect(await exists('refresh_tokens', 'hash', tokenHash(signIn.refreshToken))).toBe(true);
    expect((await h.failure(identityRpc.refresh, { refreshToken: signIn.refreshToken, client })).code).toBe(
      ErrorCode.Unauthorized,
    );
    expect((await h.failure(identityRpc.refresh, { refreshToken: rotated.refreshToken, client })).code).toBe(
      ErrorCode.Unauthorized,
    );
  }, 60_000);
});
