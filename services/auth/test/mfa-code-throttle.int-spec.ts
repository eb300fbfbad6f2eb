import { identityRpc } from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { RedisClient } from '@kasho/redis';
import { uniqueEmail } from '@kasho/testing';
import { decodeJwt } from 'jose';
import { decodeBase32, totp } from '../src/mfa';
import { MFA_CODE_FAILURE_LIMIT } from '../src/two-factor/mfa-code-throttle';
import { startIdentityHarness, type IdentityHarness } from './identity-helpers';

// The per-user limit on wrong self-service TOTP codes (activation, disabling), through the real broker against
// real PostgreSQL and Redis.

const PASSWORD = 'correct horse battery staple 42';
let h: IdentityHarness;
let ipCounter = 0;
const client = () => ({ ip: `198.51.100.${(ipCounter++ % 250) + 1}`, userAgent: 'jest' });
const WRONG = '000000';

beforeAll(async () => {
  h = await startIdentityHarness('mfa_throttle');
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function signedIn(): Promise<{ userId: string; sessionId: string }> {
  const email = uniqueEmail('mfa-throttle');
  await h.call(identityRpc.register, { email, password: PASSWORD, fullName: 'Ada', client: client() });
  const answer = await h.call(identityRpc.login, { email, password: PASSWORD, client: client() });
  if (!('accessToken' in answer)) throw new Error('expected tokens');
  const claims = decodeJwt(answer.accessToken);
  return { userId: String(claims.sub), sessionId: String(claims.sid) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function awayFromStepBoundary(): Promise<void> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 27_000) await sleep(30_000 - intoStep + 100);
}

async function throttledAudits(userId: string): Promise<Array<{ details: Record<string, unknown> }>> {
  return h.dataSource.query(
    `SELECT "details", "outcome" FROM "audit_log" WHERE "action" = 'auth.mfa.code_throttled' AND "actor_id" = $1 ` +
      'ORDER BY "sequence"',
    [userId],
  );
}

/** What the window's end does: the failure counter expires. */
async function endWindow(userId: string): Promise<void> {
  await h.auth.app.get(RedisClient).pexpire(`mfa-code-failures:${userId}`, 1);
  await sleep(20);
}

describe('wrong self-service MFA codes', () => {
  it('refuses activation after five wrong codes, even the right one, until the window passes', async () => {
    await awayFromStepBoundary();
    const caller = await signedIn();
    const secret = decodeBase32((await h.call(identityRpc.totpSetup, caller)).secret);
    for (let i = 0; i < MFA_CODE_FAILURE_LIMIT; i++) {
      expect((await h.failure(identityRpc.totpActivate, { ...caller, code: WRONG })).code).toBe(
        ErrorCode.InvalidCode,
      );
    }
    const refused = await h.failure(identityRpc.totpActivate, {
      ...caller,
      code: totp(secret, new Date()),
    });
    expect(refused.code).toBe(ErrorCode.RateLimited);
    expect(refused.retryable).toBe(true);
    const wait = Number(/try again in (\d+) seconds?/.exec(refused.detail)?.[1]);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect((await h.call(identityRpc.me, caller)).mfaEnabled).toBe(false);
    const audits = await throttledAudits(caller.userId);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      outcome: 'failure',
      details: { operation: 'totp_activate', retryAfterSeconds: wait },
    });

    await endWindow(caller.userId);
    await h.call(identityRpc.totpActivate, { ...caller, code: totp(secret, new Date()) });
    expect((await h.call(identityRpc.me, caller)).mfaEnabled).toBe(true);
  }, 60_000);

  it('forgets earlier wrong codes after a correct one, and limits disabling the same way', async () => {
    await awayFromStepBoundary();
    const caller = await signedIn();
    const secret = decodeBase32((await h.call(identityRpc.totpSetup, caller)).secret);
    const now = Date.now();
    for (let i = 0; i < MFA_CODE_FAILURE_LIMIT - 1; i++) {
      await h.failure(identityRpc.totpActivate, { ...caller, code: WRONG });
    }
    // The previous step's code (still in the window), so the current step is left for disabling.
    await h.call(identityRpc.totpActivate, { ...caller, code: totp(secret, new Date(now - 30_000)) });

    // Counted from zero again: five more wrong codes are checked (and refused as wrong), the sixth is not checked.
    for (let i = 0; i < MFA_CODE_FAILURE_LIMIT; i++) {
      expect((await h.failure(identityRpc.mfaDisable, { ...caller, code: WRONG })).code).toBe(
        ErrorCode.InvalidCode,
      );
    }
    expect(
      (await h.failure(identityRpc.mfaDisable, { ...caller, code: totp(secret, new Date(now)) })).code,
    ).toBe(ErrorCode.RateLimited);
    expect((await h.call(identityRpc.me, caller)).mfaEnabled).toBe(true);
    expect((await throttledAudits(caller.userId)).map((row) => row.details.operation)).toEqual([
      'mfa_disable',
    ]);

    await endWindow(caller.userId);
    await h.call(identityRpc.mfaDisable, { ...caller, code: totp(secret, new Date(now)) });
    expect((await h.call(identityRpc.me, caller)).mfaEnabled).toBe(false);
  }, 60_000);

  it('counts per user: another user is not refused', async () => {
    const victim = await signedIn();
    await h.call(identityRpc.totpSetup, victim);
    for (let i = 0; i <= MFA_CODE_FAILURE_LIMIT; i++) {
      await h.failure(identityRpc.totpActivate, { ...victim, code: WRONG });
    }
    const other = await signedIn();
    await h.call(identityRpc.totpSetup, other);
    expect((await h.failure(identityRpc.totpActivate, { ...other, code: WRONG })).code).toBe(
      ErrorCode.InvalidCode,
    );
  }, 60_000);
});
