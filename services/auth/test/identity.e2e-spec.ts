import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { parseKeySet, signAccessToken, type KeySet } from '@kasho/security';
import { REPO_ROOT, startStackProcess, type StackProcess, uniqueEmail } from '@kasho/testing';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { Client } from 'pg';
import { decodeBase32, totp } from '../src/mfa';

// Identity end to end: the auth service and the gateway run as processes (the local stack script), and the test
// drives the public API like a client: registration, login, refresh rotation, revocation at once, lockout, MFA,
// back-office access rules, forged tokens, and the audit chain with its `verify` command.

const ISSUER = 'https://auth.kasho.local';
const AUDIENCE = 'kasho-api';
let stack: StackProcess;
let keyset: KeySet;

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = Record<string, unknown>>(
  method: string,
  pathName: string,
  options: { body?: unknown; token?: string } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${stack.gatewayUrl}${pathName}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

function password(): string {
  return `violet ${randomBytes(6).toString('hex')} lantern orbit`;
}

async function register(
  email = uniqueEmail('e2e'),
  secret = password(),
): Promise<{ email: string; secret: string }> {
  const answer = await call('POST', '/v1/auth/register', {
    body: { email, password: secret, fullName: 'Ada Test' },
  });
  expect(answer.status).toBe(201);
  return { email, secret };
}

async function login(email: string, secret: string): Promise<Tokens> {
  const answer = await call<Tokens>('POST', '/v1/auth/login', { body: { email, password: secret } });
  expect(answer.status).toBe(200);
  return answer.body;
}

function authCli(
  script: string,
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, `services/auth/dist/${script}`), ...args],
    {
      cwd: REPO_ROOT,
      env: stack.serviceEnv('auth'),
      input,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A code for the TOTP secret at a step that the service has not accepted yet (each step is accepted once). */
function codeAt(secret: string, offsetSteps = 0): string {
  return totp(decodeBase32(secret), new Date(Date.now() + offsetSteps * 30_000));
}

/** What the notification service would e-mail: the raw one-time token in the auth service's outbox event. */
async function emailedToken(type: string, email: string): Promise<string> {
  const database = new Client({ connectionString: stack.serviceEnv('auth').DATABASE_URL });
  await database.connect();
  try {
    const { rows } = await database.query<{ token: string }>(
      `SELECT coalesce(payload->'payload'->>'token', payload->>'token') AS token FROM outbox_messages
       WHERE type = $1 AND coalesce(payload->'payload'->>'email', payload->>'email') = $2
       ORDER BY sequence DESC LIMIT 1`,
      [type, email],
    );
    expect(rows).toHaveLength(1);
    return rows[0].token;
  } finally {
    await database.end();
  }
}

/** Signs a token with the auth service's real current key, with claims and header of the test's choosing. */
async function signWithRealKey(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const key = await importJWK(keyset.current.privateJwk, keyset.current.alg);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: keyset.current.alg, kid: keyset.current.kid, typ: 'at+jwt', ...header })
    .sign(key);
}

beforeAll(async () => {
  stack = await startStackProcess({
    services: ['auth', 'gateway'],
    env: {
      // Every request of this test comes from 127.0.0.1: the per-IP limits must not be what answers.
      RATE_LIMIT_IP_PER_MINUTE: '100000',
      AUTH_LOGIN_IP_DELAY_AFTER_FAILURES: '100000',
      // No growing delays here (their schedule has its own tests), so each failure below is a real password check.
      AUTH_LOGIN_DELAY_AFTER_FAILURES: '1000',
    },
  });
  keyset = parseKeySet(readFileSync(path.join(REPO_ROOT, '.kasho/auth-signing-keys.json'), 'utf8'));
}, 150_000);

afterAll(async () => {
  await stack?.destroy();
});

describe('registration and login', () => {
  it('registers, logs in and reads /v1/me with a signed, short-lived access token', async () => {
    const { email, secret } = await register();
    const tokens = await login(email, secret);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresIn).toBe(600);
    expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({
      typ: 'at+jwt',
      kid: keyset.current.kid,
    });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ iss: ISSUER, aud: AUDIENCE, roles: ['customer'] });

    const me = await call('GET', '/v1/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, roles: ['customer'], mfaEnabled: false, emailVerified: false });
  });

  it('verifies the email with the emailed one-time token, once', async () => {
    const { email, secret } = await register();
    const token = await emailedToken('auth.email-verification.requested.v1', email);
    expect((await call('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);
    const again = await call('POST', '/v1/auth/verify-email', { body: { token } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('invalid_token');
    const me = await call('GET', '/v1/me', { token: (await login(email, secret)).accessToken });
    expect(me.body.emailVerified).toBe(true);
  });

  it('answers a duplicate registration like a new one (no account oracle)', async () => {
    const { email } = await register();
    const again = await call('POST', '/v1/auth/register', {
      body: { email, password: password(), fullName: 'Someone Else' },
    });
    expect(again.status).toBe(201);
    expect(again.body.userId).toEqual(expect.any(String));
  });

  it('refuses a weak password with the reason', async () => {
    const answer = await call('POST', '/v1/auth/register', {
      body: { email: uniqueEmail('weak'), password: 'password1234', fullName: 'Weak' },
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ code: 'validation_failed' });
    expect(JSON.stringify(answer.body.errors)).toContain('/password');
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const { email } = await register();
    const wrong = await call('POST', '/v1/auth/login', { body: { email, password: password() } });
    const unknown = await call('POST', '/v1/auth/login', {
      body: { email: uniqueEmail('nobody'), password: password() },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { instance: _a, ...wrongBody } = wrong.body;
    const { instance: _b, ...unknownBody } = unknown.body;
    expect(wrongBody).toEqual(unknownBody);
    expect(wrongBody.code).toBe('invalid_credentials');
  });

  it('locks the account after 10 failures, even for the right password, until a reset', async () => {
    const { email, secret } = await register();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const answer = await call('POST', '/v1/auth/login', { body: { email, password: `${secret}x` } });
      expect(answer.status).toBe(401);
    }
    const locked = await call('POST', '/v1/auth/login', { body: { email, password: secret } });
    expect(locked.status).toBe(401);
    expect(locked.body.code).toBe('invalid_credentials');

    const database = new Client({ connectionString: stack.serviceEnv('auth').DATABASE_URL });
    await database.connect();
    try {
      const { rows } = await database.query<{ minutes: number }>(
        'SELECT extract(epoch FROM locked_until - now()) / 60 AS minutes FROM users WHERE email = $1',
        [email],
      );
      expect(Number(rows[0].minutes)).toBeGreaterThan(29);
      expect(Number(rows[0].minutes)).toBeLessThanOrEqual(30);
    } finally {
      await database.end();
    }

    // Forgot-password answers the same for a stranger; the owner's reset unlocks the account early.
    const forStranger = await call('POST', '/v1/auth/password/forgot', {
      body: { email: uniqueEmail('nobody') },
    });
    const forOwner = await call('POST', '/v1/auth/password/forgot', { body: { email } });
    expect(forOwner.status).toBe(forStranger.status);
    expect(forOwner.body).toEqual(forStranger.body);
    const token = await emailedToken('auth.password-reset.requested.v1', email);
    const next = password();
    expect(
      (await call('POST', '/v1/auth/password/reset', { body: { token, newPassword: next } })).status,
    ).toBe(204);
    await login(email, next);
    const reused = await call('POST', '/v1/auth/password/reset', {
      body: { token, newPassword: password() },
    });
    expect(reused.status).toBe(422);
  });
});

describe('sessions', () => {
  it('rotates refresh tokens; replaying a used one kills the session and its access tokens at once', async () => {
    const { email, secret } = await register();
    const first = await login(email, secret);
    const rotated = await call<Tokens>('POST', '/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first.refreshToken);
    expect((await call('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(200);

    const replay = await call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect((await call('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(401);
    const afterReuse = await call('POST', '/v1/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(afterReuse.status).toBe(401);
  });

  it('logs out at once, and lets the owner list and revoke only their own sessions', async () => {
    const { email, secret } = await register();
    const a = await login(email, secret);
    const b = await login(email, secret);
    const listed = await call<{ data: Array<{ id: string; current: boolean }> }>('GET', '/v1/auth/sessions', {
      token: a.accessToken,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(2);
    const other = listed.body.data.find((session) => !session.current)!;

    const strangerAccount = await register();
    const stranger = await login(strangerAccount.email, strangerAccount.secret);
    expect(
      (await call('DELETE', `/v1/auth/sessions/${other.id}`, { token: stranger.accessToken })).status,
    ).toBe(404);

    expect((await call('DELETE', `/v1/auth/sessions/${other.id}`, { token: a.accessToken })).status).toBe(
      204,
    );
    expect((await call('GET', '/v1/me', { token: b.accessToken })).status).toBe(401);

    expect((await call('POST', '/v1/auth/logout', { token: a.accessToken })).status).toBe(204);
    expect((await call('GET', '/v1/me', { token: a.accessToken })).status).toBe(401);
  });

  it('keeps the current session on a password change and revokes the others', async () => {
    const { email, secret } = await register();
    const current = await login(email, secret);
    const other = await login(email, secret);
    const wrong = await call('POST', '/v1/auth/password/change', {
      token: current.accessToken,
      body: { currentPassword: `${secret}!`, newPassword: password() },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('invalid_credentials');

    const next = password();
    const changed = await call('POST', '/v1/auth/password/change', {
      token: current.accessToken,
      body: { currentPassword: secret, newPassword: next },
    });
    expect(changed.status).toBe(204);
    expect((await call('GET', '/v1/me', { token: current.accessToken })).status).toBe(200);
    expect((await call('GET', '/v1/me', { token: other.accessToken })).status).toBe(401);
    await login(email, next);
  });
});

describe('MFA and the back office', () => {
  async function enableTotp(accessToken: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const setup = await call<{ secret: string; otpauthUri: string }>('POST', '/v1/auth/mfa/totp/setup', {
      token: accessToken,
    });
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await call('POST', '/v1/auth/mfa/totp/activate', {
      token: accessToken,
      body: { code: '000000' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('invalid_code');
    const activated = await call<{ recoveryCodes: string[] }>('POST', '/v1/auth/mfa/totp/activate', {
      token: accessToken,
      body: { code: codeAt(setup.body.secret) },
    });
    expect(activated.status).toBe(200);
    expect(activated.body.recoveryCodes).toHaveLength(10);
    return { secret: setup.body.secret, recoveryCodes: activated.body.recoveryCodes };
  }

  it('asks for the second factor, refuses a replayed TOTP code and accepts a recovery code once', async () => {
    const { email, secret } = await register();
    const tokens = await login(email, secret);
    const mfa = await enableTotp(tokens.accessToken);

    const first = await call<{ mfaRequired: boolean; mfaToken: string }>('POST', '/v1/auth/login', {
      body: { email, password: secret },
    });
    expect(first.status).toBe(200);
    expect(first.body.mfaRequired).toBe(true);
    expect(typeof first.body.mfaToken).toBe('string');
    // The activating code's step was used: the same code again is a replay.
    const replayed = await call('POST', '/v1/auth/mfa/verify', {
      body: { mfaToken: first.body.mfaToken, code: codeAt(mfa.secret) },
    });
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe('invalid_mfa_code');

    const recovered = await call<Tokens>('POST', '/v1/auth/mfa/verify', {
      body: { mfaToken: first.body.mfaToken, code: mfa.recoveryCodes[0] },
    });
    expect(recovered.status).toBe(200);
    expect(decodeJwt(recovered.body.accessToken).amr).toEqual(expect.arrayContaining(['mfa']));

    const second = await call<{ mfaToken: string }>('POST', '/v1/auth/login', {
      body: { email, password: secret },
    });
    const reused = await call('POST', '/v1/auth/mfa/verify', {
      body: { mfaToken: second.body.mfaToken, code: mfa.recoveryCodes[0] },
    });
    expect(reused.status).toBe(401);
  });

  it('refuses customers on /v1/admin/*, and staff until their session passed MFA', async () => {
    const customer = await register();
    const customerTokens = await login(customer.email, customer.secret);
    const asCustomer = await call('GET', '/v1/admin/audit-log', { token: customerTokens.accessToken });
    expect(asCustomer.status).toBe(403);
    expect(asCustomer.body.code).toBe('forbidden');

    const adminEmail = uniqueEmail('admin');
    const adminSecret = password();
    const created = authCli(
      'create-user.js',
      ['--email', adminEmail, '--role', 'admin', '--full-name', 'First Admin', '--password-stdin'],
      adminSecret,
    );
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);

    const adminTokens = await login(adminEmail, adminSecret);
    const withoutMfa = await call('GET', '/v1/admin/audit-log', { token: adminTokens.accessToken });
    expect(withoutMfa.status).toBe(403);
    expect(withoutMfa.body.code).toBe('mfa_required');

    const mfa = await enableTotp(adminTokens.accessToken);
    const challenge = await call<{ mfaToken: string }>('POST', '/v1/auth/login', {
      body: { email: adminEmail, password: adminSecret },
    });
    const verified = await call<Tokens>('POST', '/v1/auth/mfa/verify', {
      body: { mfaToken: challenge.body.mfaToken, code: mfa.recoveryCodes[1] },
    });
    expect(verified.status).toBe(200);
    const page = await call<{ data: Array<{ action: string }>; nextCursor: string | null }>(
      'GET',
      '/v1/admin/audit-log?limit=100',
      { token: verified.body.accessToken },
    );
    expect(page.status).toBe(200);
    const actions = page.body.data.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.user.created']));
    expect(actions.some((action) => action.startsWith('auth.login'))).toBe(true);
  });
});

describe('OAuth 2.0 client credentials', () => {
  it('issues a scoped token to a client (basic and post), refuses a wrong secret, and keeps clients out of user routes', async () => {
    const created = authCli('oauth/create-client.js', [
      '--name',
      'Partner E2E',
      '--scopes',
      'payments:read payments:write',
    ]);
    expect(created.status).toBe(0);
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
    const token = (body: string, authorization?: string): Promise<Response> =>
      fetch(`${stack.gatewayUrl}/v1/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(authorization ? { authorization } : {}),
        },
        body,
      });
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;

    const viaBasic = await token(form({ grant_type: 'client_credentials', scope: 'payments:read' }), basic);
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.headers.get('cache-control')).toContain('no-store');
    const issued = (await viaBasic.json()) as { access_token: string; token_type: string; scope: string };
    expect(issued).toMatchObject({ token_type: 'Bearer', scope: 'payments:read' });
    expect(decodeJwt(issued.access_token)).toMatchObject({
      sub: client.client_id,
      client_id: client.client_id,
    });

    const viaPost = await token(
      form({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }),
    );
    expect(viaPost.status).toBe(200);

    const wrong = await token(
      form({ grant_type: 'client_credentials' }),
      `Basic ${Buffer.from(`${client.client_id}:not-the-secret`).toString('base64')}`,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });

    const tooMuch = await token(
      form({ grant_type: 'client_credentials', scope: 'backoffice:audit:read' }),
      basic,
    );
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.json()).toMatchObject({ error: 'invalid_scope' });

    const asUser = await call('GET', '/v1/me', { token: issued.access_token });
    expect(asUser.status).toBe(403);
  });
});

describe('forged access tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  async function claimsFor(): Promise<Record<string, unknown>> {
    const { email, secret } = await register();
    const real = decodeJwt((await login(email, secret)).accessToken);
    return { ...real };
  }

  it('accepts the real thing, as a control', async () => {
    const claims = await claimsFor();
    expect((await call('GET', '/v1/me', { token: await signWithRealKey(claims) })).status).toBe(200);
  });

  it.each([
    ['expired', { exp: -60, iat: -700, nbf: -700 }],
    ['not valid yet', { nbf: 600 }],
    ['no exp', { exp: undefined }],
    ['wrong audience', { aud: 'someone-else' }],
    ['wrong issuer', { iss: 'https://evil.example' }],
  ])('refuses a correctly signed token that is %s', async (_name, change) => {
    const claims = await claimsFor();
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete claims[key];
      else claims[key] = typeof value === 'number' ? now() + value : value;
    }
    const answer = await call('GET', '/v1/me', { token: await signWithRealKey(claims) });
    expect(answer.status).toBe(401);
  });

  it('refuses a wrong typ and key-carrying headers (jku, x5u, jwk) without fetching anything', async () => {
    const claims = await claimsFor();
    const { publicKey } = await generateKeyPair('EdDSA');
    let fetched = 0;
    const keyServer = createServer((_request, response) => {
      fetched += 1;
      response.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    const keyUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
    try {
      for (const header of [
        { typ: 'JWT' },
        { jku: `${keyUrl}/jwks.json` },
        { x5u: `${keyUrl}/cert.pem` },
        { jwk: await exportJWK(publicKey) },
      ]) {
        const answer = await call('GET', '/v1/me', { token: await signWithRealKey(claims, header) });
        expect(answer.status).toBe(401);
      }
    } finally {
      keyServer.close();
    }
    expect(fetched).toBe(0);
  });

  it('refuses alg none in any casing, HS256 keyed with the public key, a foreign key and hostile kids', async () => {
    const claims = await claimsFor();
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = encode(claims);
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const token = `${encode({ alg, typ: 'at+jwt', kid: keyset.current.kid })}.${body}.`;
      expect((await call('GET', '/v1/me', { token })).status).toBe(401);
    }
    const publicJwk = JSON.stringify({ ...keyset.current.privateJwk, d: undefined });
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: keyset.current.kid })
      .sign(new TextEncoder().encode(publicJwk));
    expect((await call('GET', '/v1/me', { token: hs256 })).status).toBe(401);

    const foreign = await generateKeyPair('EdDSA');
    for (const kid of [keyset.current.kid, "' OR 1=1 --", '../../etc/passwd', 'unknown-kid']) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
        .sign(foreign.privateKey);
      expect((await call('GET', '/v1/me', { token })).status).toBe(401);
    }
  });

  it('signs with the library the gateway verifies with, as a control for the signer used above', async () => {
    const claims = await claimsFor();
    const token = await signAccessToken(
      keyset,
      { sub: String(claims.sub), sid: String(claims.sid), roles: ['customer'], scopes: [] },
      { issuer: ISSUER, audience: AUDIENCE },
    );
    expect((await call('GET', '/v1/me', { token })).status).toBe(200);
  });
});

describe('the audit trail', () => {
  it('verifies, and names the first link of a row altered in the database', async () => {
    const clean = authCli('audit-verify.js', []);
    expect(clean.status).toBe(0);

    const database = new Client({ connectionString: stack.serviceEnv('auth').DATABASE_URL });
    await database.connect();
    try {
      // What an attacker with database access would do: get past the append-only trigger, then edit history.
      await database.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      const { rows } = await database.query<{ sequence: string }>(
        "UPDATE audit_log SET outcome = CASE outcome WHEN 'success' THEN 'failure' ELSE 'success' END " +
          'WHERE sequence = (SELECT min(sequence) + 1 FROM audit_log) RETURNING sequence',
      );
      await database.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
      const tampered = authCli('audit-verify.js', []);
      expect(tampered.status).not.toBe(0);
      expect(`${tampered.stdout}${tampered.stderr}`).toContain(rows[0].sequence);
    } finally {
      await database.end();
    }
  });
});
