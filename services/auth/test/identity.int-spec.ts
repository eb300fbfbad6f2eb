import { identityEvents, identityRpc, type TokenPair } from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { uniqueEmail } from '@kasho/testing';
import { decodeJwt } from 'jose';
import { decodeBase32, totp } from '../src/mfa';
import { startIdentityHarness, type IdentityHarness } from './identity-helpers';

// The identity RPCs through the real broker, against real PostgreSQL and Redis: registration, sign-in, lockout,
// refresh rotation, sessions, TOTP, recovery codes, password reset and change, email verification.

const PASSWORD = 'correct horse battery staple 42';
let h: IdentityHarness;
let ipCounter = 0;
/** A distinct address per user, so the per-address throttle of one test never slows another. */
const client = () => ({ ip: `198.51.100.${(ipCounter++ % 250) + 1}`, userAgent: 'jest' });

beforeAll(async () => {
  h = await startIdentityHarness('identity', {
    // Short delays so ten failures take seconds, not minutes; the schedule itself is the unit test's business.
    AUTH_LOGIN_MAX_DELAY_SECONDS: '1',
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function register(email = uniqueEmail('id')): Promise<{ email: string; userId: string }> {
  const { userId } = await h.call(identityRpc.register, {
    email,
    password: PASSWORD,
    fullName: 'Ada Lovelace',
    client: client(),
  });
  return { email, userId };
}

async function login(email: string, password = PASSWORD): Promise<TokenPair> {
  const answer = await h.call(identityRpc.login, { email, password, client: client() });
  if (!('accessToken' in answer)) throw new Error('expected tokens');
  return answer;
}

const callerOf = (tokens: TokenPair) => {
  const claims = decodeJwt(tokens.accessToken);
  return { userId: String(claims.sub), sessionId: String(claims.sid) };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits out the last 3 s of a 30 s TOTP step, so codes computed now stay in the window the service sees. */
async function awayFromStepBoundary(): Promise<void> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 27_000) await sleep(30_000 - intoStep + 100);
}

describe('registration', () => {
  it('creates a customer and enqueues the registration and verification events', async () => {
    const { email, userId } = await register();
    const registered = await h.lastEvent<{ userId: string }>(
      identityEvents.userRegistered.type,
      (p) => p.userId === userId,
    );
    expect(registered).toMatchObject({ userId, email, fullName: 'Ada Lovelace' });
    const me = await h.call(identityRpc.me, callerOf(await login(email)));
    expect(me).toMatchObject({
      id: userId,
      email,
      roles: ['customer'],
      mfaEnabled: false,
      emailVerified: false,
    });
  });

  it('answers a duplicate email exactly like a new one and tells the real owner instead', async () => {
    const { email, userId } = await register();
    const again = await h.call(identityRpc.register, {
      email: `  ${email.toUpperCase()} `,
      password: 'another long passphrase 77',
      fullName: 'Mallory',
      client: client(),
    });
    expect(Object.keys(again)).toEqual(['userId']);
    expect(again.userId).not.toBe(userId);
    expect(again.userId).toMatch(/^[0-9a-f-]{36}$/);
    const told = await h.lastEvent<{ userId: string }>(
      identityEvents.existingAccountRegistration.type,
      (p) => p.userId === userId,
    );
    expect(told).toMatchObject({ userId, email });
    // The original password still works; the second one never became anyone's.
    await expect(login(email)).resolves.toHaveProperty('accessToken');
  });

  it('refuses a weak password with the reason at /password', async () => {
    const error = await h.failure(identityRpc.register, {
      email: uniqueEmail('weak'),
      password: 'password1234',
      fullName: 'Weak',
      client: client(),
    });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.errors?.[0]?.pointer).toBe('/password');
  });

  it('verifies the email once with the emailed token', async () => {
    const { email, userId } = await register();
    const event = await h.lastEvent<{ userId: string; token: string }>(
      identityEvents.emailVerificationRequested.type,
      (p) => p.userId === userId,
    );
    expect(event?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await h.call(identityRpc.verifyEmail, { token: event!.token });
    expect((await h.call(identityRpc.me, callerOf(await login(email)))).emailVerified).toBe(true);
    expect((await h.failure(identityRpc.verifyEmail, { token: event!.token })).code).toBe(
      ErrorCode.InvalidToken,
    );
    expect((await h.failure(identityRpc.verifyEmail, { token: 'nope' })).code).toBe(ErrorCode.InvalidToken);
  });
});

describe('login', () => {
  it('answers a wrong password and an unknown email alike', async () => {
    const { email } = await register();
    const wrong = await h.failure(identityRpc.login, {
      email,
      password: 'not the password 123',
      client: client(),
    });
    const unknown = await h.failure(identityRpc.login, {
      email: uniqueEmail('ghost'),
      password: PASSWORD,
      client: client(),
    });
    expect(wrong.toJSON()).toEqual(unknown.toJSON());
    expect(wrong.code).toBe(ErrorCode.InvalidCredentials);
    const tokens = await login(email);
    const claims = decodeJwt(tokens.accessToken);
    expect(claims).toMatchObject({
      iss: 'https://auth.kasho.local',
      aud: 'kasho-api',
      amr: ['pwd'],
      roles: ['customer'],
    });
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
  });

  it('delays after three failures, locks after ten, and a password reset unlocks', async () => {
    const { email, userId } = await register();
    const ip = '203.0.113.77';
    const attempt = (password: string) => h.failure(identityRpc.login, { email, password, client: { ip } });
    for (let i = 0; i < 3; i++)
      expect((await attempt('wrong wrong wrong 1')).code).toBe(ErrorCode.InvalidCredentials);
    // The fourth attempt comes too soon: refused before any password is checked.
    const refused = await attempt(PASSWORD);
    expect(refused.code).toBe(ErrorCode.RateLimited);
    expect(refused.retryable).toBe(true);
    for (let i = 3; i < 10; i++) {
      await sleep(1_100);
      expect((await attempt('wrong wrong wrong 1')).code).toBe(ErrorCode.InvalidCredentials);
    }
    await sleep(1_100);
    // Locked: the right password answers exactly like a wrong one.
    const locked = await attempt(PASSWORD);
    expect(locked.code).toBe(ErrorCode.InvalidCredentials);
    expect(
      await h.lastEvent<{ userId: string }>(identityEvents.accountLocked.type, (p) => p.userId === userId),
    ).toBeDefined();
    const [audit] = await h.dataSource.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM "audit_log" WHERE "action" = 'auth.account.locked' AND "subject_id" = $1`,
      [userId],
    );
    expect(audit.n).toBe('1');

    await h.call(identityRpc.passwordForgot, { email, client: { ip } });
    const reset = await h.lastEvent<{ userId: string; token: string }>(
      identityEvents.passwordResetRequested.type,
      (p) => p.userId === userId,
    );
    const newPassword = 'a brand new passphrase 2024';
    await h.call(identityRpc.passwordReset, { token: reset!.token, newPassword });
    await expect(login(email, newPassword)).resolves.toHaveProperty('accessToken');
    expect((await h.failure(identityRpc.passwordReset, { token: reset!.token, newPassword })).code).toBe(
      ErrorCode.InvalidToken,
    );
  }, 60_000);

  it('answers password forgot the same for an unknown email', async () => {
    await expect(
      h.call(identityRpc.passwordForgot, { email: uniqueEmail('nobody'), client: client() }),
    ).resolves.toEqual({});
  });
});

describe('refresh and sessions', () => {
  it('rotates the refresh token and a replayed one revokes the session, in Redis too', async () => {
    const { email } = await register();
    const first = await login(email);
    const second = await h.call(identityRpc.refresh, { refreshToken: first.refreshToken, client: client() });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const { sessionId } = callerOf(second);
    expect(callerOf(first).sessionId).toBe(sessionId);
    expect(await h.revocations.exists(sessionId)).toBe(0);

    const replay = await h.failure(identityRpc.refresh, {
      refreshToken: first.refreshToken,
      client: client(),
    });
    expect(replay.code).toBe(ErrorCode.Unauthorized);
    expect(await h.revocations.exists(sessionId)).toBe(1);
    // The whole family died: the newest token too.
    expect(
      (await h.failure(identityRpc.refresh, { refreshToken: second.refreshToken, client: client() })).code,
    ).toBe(ErrorCode.Unauthorized);
    const [row] = await h.dataSource.query<Array<{ revoke_reason: string }>>(
      'SELECT "revoke_reason" FROM "sessions" WHERE "id" = $1',
      [sessionId],
    );
    expect(row.revoke_reason).toBe('refresh_token_reuse');
  });

  it('refuses an unknown refresh token', async () => {
    expect(
      (await h.failure(identityRpc.refresh, { refreshToken: 'x'.repeat(43), client: client() })).code,
    ).toBe(ErrorCode.Unauthorized);
  });

  it("lists the caller's sessions, revokes one, and answers 404 for someone else's", async () => {
    const { email } = await register();
    const a = callerOf(await login(email));
    const b = callerOf(await login(email));
    const other = callerOf(await login((await register()).email));
    const list = await h.call(identityRpc.listSessions, a);
    expect(list.data.map((s) => [s.id, s.current]).sort()).toEqual(
      [
        [a.sessionId, true],
        [b.sessionId, false],
      ].sort(),
    );
    const foreign = await h.failure(identityRpc.revokeSession, { ...a, targetSessionId: other.sessionId });
    const unknown = await h.failure(identityRpc.revokeSession, {
      ...a,
      targetSessionId: '0190f0f0-0000-7000-8000-000000000000',
    });
    expect(foreign.toJSON()).toEqual(unknown.toJSON());
    expect(foreign.code).toBe(ErrorCode.NotFound);
    await h.call(identityRpc.revokeSession, { ...a, targetSessionId: b.sessionId });
    expect(await h.revocations.exists(b.sessionId)).toBe(1);
    expect((await h.call(identityRpc.listSessions, a)).data.map((s) => s.id)).toEqual([a.sessionId]);
    await h.call(identityRpc.logout, a);
    expect(await h.revocations.exists(a.sessionId)).toBe(1);
    expect((await h.failure(identityRpc.me, a)).code).toBe(ErrorCode.Unauthorized);
  });

  it('password change keeps the current session and revokes the others', async () => {
    const { email } = await register();
    const current = callerOf(await login(email));
    const other = callerOf(await login(email));
    const wrong = await h.failure(identityRpc.passwordChange, {
      ...current,
      currentPassword: 'not it at all 99',
      newPassword: 'the next passphrase 31',
    });
    expect(wrong.code).toBe(ErrorCode.InvalidCredentials);
    expect(wrong.status).toBe(422);
    await h.call(identityRpc.passwordChange, {
      ...current,
      currentPassword: PASSWORD,
      newPassword: 'the next passphrase 31',
    });
    expect((await h.call(identityRpc.listSessions, current)).data.map((s) => s.id)).toEqual([
      current.sessionId,
    ]);
    expect(await h.revocations.exists(other.sessionId)).toBe(1);
    expect(await h.revocations.exists(current.sessionId)).toBe(0);
    await expect(login(email, 'the next passphrase 31')).resolves.toHaveProperty('accessToken');
  });
});

describe('TOTP and recovery codes', () => {
  it('activates with a current code, refuses its replay, accepts recovery codes once, disables', async () => {
    await awayFromStepBoundary();
    const { email } = await register();
    const caller = callerOf(await login(email));
    const setup = await h.call(identityRpc.totpSetup, caller);
    expect(setup.otpauthUri).toContain(`otpauth://totp/Kasho:${encodeURIComponent(email)}?`);
    const secret = decodeBase32(setup.secret);
    expect((await h.failure(identityRpc.totpActivate, { ...caller, code: '000000' })).code).toBe(
      ErrorCode.InvalidCode,
    );
    const now = Date.now();
    const code = totp(secret, new Date(now));
    const { recoveryCodes } = await h.call(identityRpc.totpActivate, { ...caller, code });
    expect(recoveryCodes).toHaveLength(10);
    expect((await h.call(identityRpc.me, caller)).mfaEnabled).toBe(true);

    const challenge = async () => {
      const answer = await h.call(identityRpc.login, { email, password: PASSWORD, client: client() });
      if (!('mfaRequired' in answer)) throw new Error('expected an MFA challenge');
      return answer.mfaToken;
    };
    // The activating code was spent: the same step is refused at sign-in.
    const replay = await h.failure(identityRpc.mfaVerify, {
      mfaToken: await challenge(),
      code,
      client: client(),
    });
    expect(replay.code).toBe(ErrorCode.InvalidMfaCode);
    // The next step's code (within the ±1 window) works once.
    const next = totp(secret, new Date(now + 30_000));
    const tokens = await h.call(identityRpc.mfaVerify, {
      mfaToken: await challenge(),
      code: next,
      client: client(),
    });
    expect(decodeJwt(tokens.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(
      (await h.failure(identityRpc.mfaVerify, { mfaToken: await challenge(), code: next, client: client() }))
        .code,
    ).toBe(ErrorCode.InvalidMfaCode);

    const recovery = recoveryCodes[0];
    await expect(
      h.call(identityRpc.mfaVerify, { mfaToken: await challenge(), code: recovery, client: client() }),
    ).resolves.toHaveProperty('accessToken');
    expect(
      (
        await h.failure(identityRpc.mfaVerify, {
          mfaToken: await challenge(),
          code: recovery,
          client: client(),
        })
      ).code,
    ).toBe(ErrorCode.InvalidMfaCode);

    // Five wrong answers kill the challenge.
    const doomed = await challenge();
    for (let i = 0; i < 5; i++) {
      expect(
        (await h.failure(identityRpc.mfaVerify, { mfaToken: doomed, code: '000000', client: client() })).code,
      ).toBe(ErrorCode.InvalidMfaCode);
    }
    expect(
      (
        await h.failure(identityRpc.mfaVerify, {
          mfaToken: doomed,
          code: totp(secret, new Date(now + 60_000)),
          client: client(),
        })
      ).code,
    ).toBe(ErrorCode.Unauthorized);
  }, 60_000);

  it('disables with a current code only', async () => {
    await awayFromStepBoundary();
    const caller = callerOf(await login((await register()).email));
    const secret = decodeBase32((await h.call(identityRpc.totpSetup, caller)).secret);
    const now = Date.now();
    // Activate with the previous step's code (still in the window), so the current step is left for disabling.
    await h.call(identityRpc.totpActivate, { ...caller, code: totp(secret, new Date(now - 30_000)) });
    expect(
      (await h.failure(identityRpc.mfaDisable, { ...caller, code: totp(secret, new Date(now - 30_000)) }))
        .code,
    ).toBe(ErrorCode.InvalidCode);
    await h.call(identityRpc.mfaDisable, { ...caller, code: totp(secret, new Date(now)) });
    expect((await h.call(identityRpc.me, caller)).mfaEnabled).toBe(false);
    const [row] = await h.dataSource.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM "audit_log" WHERE "action" IN ('auth.mfa.enabled', 'auth.mfa.disabled') AND "actor_id" = $1`,
      [caller.userId],
    );
    expect(row.n).toBe('2');
  }, 60_000);
});
