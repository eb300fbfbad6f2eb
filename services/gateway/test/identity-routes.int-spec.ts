import { randomUUID } from 'node:crypto';
import {
  authJwksRpc,
  identityRpc,
  type JwksDocument,
  type RpcRequestOf,
  type RpcResponseOf,
} from '@kasho/contracts';
import { loadConfig } from '@kasho/config';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Messaging, RpcHandler } from '@kasho/messaging';
import { Public } from '@kasho/observability';
import { PlatformModule, type RunningService, startService } from '@kasho/platform';
import { closeRedisClient, createRedisClient, type RedisClient } from '@kasho/redis';
import {
  type AccessTokenSubject,
  createKeySet,
  type KeySet,
  publicJwks,
  SessionRevocations,
  signAccessToken,
} from '@kasho/security';
import { createTestNamespace, freePort } from '@kasho/testing';
import { Controller, Get, Headers, Injectable, type DynamicModule } from '@nestjs/common';
import { AppModule } from '../src/app.module';
import { SESSION_REVOCATION_REDIS } from '../src/auth/auth.tokens';
import { gatewayEnv } from '../src/config';
import { configureGatewayHttp } from '../src/http-setup';

// The gateway's identity surface through the real broker: the real gateway app, and a test "auth" chassis that
// answers the identity RPCs with canned answers and records what reached it. What the client gets and what the
// auth service receives are both asserted.

const namespace = createTestNamespace('identity');
const revocationPrefix = `${namespace}revoked-session:`;
const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';

let keyset: KeySet;
let auth: RunningService;
let gateway: RunningService;
let revocationWriter: RedisClient;

// ---- the test auth service -------------------------------------------------------------------------------------

type Method = keyof typeof identityRpc;
type RequestOf<M extends Method> = RpcRequestOf<(typeof identityRpc)[M]>;
type ResponseOf<M extends Method> = RpcResponseOf<(typeof identityRpc)[M]>;

const USER_ID = '01930000-0000-7000-8000-000000000001';
const tokens = { accessToken: 'at', refreshToken: 'rt', expiresIn: 600, tokenType: 'Bearer' as const };
const defaults: { [M in Method]: ResponseOf<M> } = {
  register: { userId: USER_ID },
  verifyEmail: {},
  login: tokens,
  mfaVerify: tokens,
  refresh: tokens,
  logout: {},
  listSessions: { data: [] },
  revokeSession: {},
  totpSetup: { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/Kasho:a?secret=JBSWY3DPEHPK3PXP' },
  totpActivate: { recoveryCodes: ['a1b2c3d4'] },
  mfaDisable: {},
  passwordForgot: {},
  passwordReset: {},
  passwordChange: {},
  clientToken: { access_token: 'client-at', token_type: 'Bearer', expires_in: 600, scope: 'payments:read' },
  me: {
    id: USER_ID,
    email: 'ada@example.com',
    fullName: 'Ada',
    roles: ['customer'],
    mfaEnabled: false,
    emailVerified: true,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  auditLog: { data: [], nextCursor: null },
};

const calls: { method: Method; request: unknown }[] = [];
const overrides = new Map<Method, (request: unknown) => unknown>();

function answer<M extends Method>(method: M, request: RequestOf<M>): ResponseOf<M> {
  calls.push({ method, request });
  const override = overrides.get(method);
  return (override ? override(request) : defaults[method]) as ResponseOf<M>;
}

function callsTo(method: Method): unknown[] {
  return calls.filter((call) => call.method === method).map((call) => call.request);
}

@Injectable()
class TestIdentityHandlers {
  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(keyset);
  }
  @RpcHandler(identityRpc.register)
  register(r: RequestOf<'register'>): ResponseOf<'register'> {
    return answer('register', r);
  }
  @RpcHandler(identityRpc.verifyEmail)
  verifyEmail(r: RequestOf<'verifyEmail'>): ResponseOf<'verifyEmail'> {
    return answer('verifyEmail', r);
  }
  @RpcHandler(identityRpc.login)
  login(r: RequestOf<'login'>): ResponseOf<'login'> {
    return answer('login', r);
  }
  @RpcHandler(identityRpc.mfaVerify)
  mfaVerify(r: RequestOf<'mfaVerify'>): ResponseOf<'mfaVerify'> {
    return answer('mfaVerify', r);
  }
  @RpcHandler(identityRpc.refresh)
  refresh(r: RequestOf<'refresh'>): ResponseOf<'refresh'> {
    return answer('refresh', r);
  }
  @RpcHandler(identityRpc.logout)
  logout(r: RequestOf<'logout'>): ResponseOf<'logout'> {
    return answer('logout', r);
  }
  @RpcHandler(identityRpc.listSessions)
  listSessions(r: RequestOf<'listSessions'>): ResponseOf<'listSessions'> {
    return answer('listSessions', r);
  }
  @RpcHandler(identityRpc.revokeSession)
  revokeSession(r: RequestOf<'revokeSession'>): ResponseOf<'revokeSession'> {
    return answer('revokeSession', r);
  }
  @RpcHandler(identityRpc.totpSetup)
  totpSetup(r: RequestOf<'totpSetup'>): ResponseOf<'totpSetup'> {
    return answer('totpSetup', r);
  }
  @RpcHandler(identityRpc.totpActivate)
  totpActivate(r: RequestOf<'totpActivate'>): ResponseOf<'totpActivate'> {
    return answer('totpActivate', r);
  }
  @RpcHandler(identityRpc.mfaDisable)
  mfaDisable(r: RequestOf<'mfaDisable'>): ResponseOf<'mfaDisable'> {
    return answer('mfaDisable', r);
  }
  @RpcHandler(identityRpc.passwordForgot)
  passwordForgot(r: RequestOf<'passwordForgot'>): ResponseOf<'passwordForgot'> {
    return answer('passwordForgot', r);
  }
  @RpcHandler(identityRpc.passwordReset)
  passwordReset(r: RequestOf<'passwordReset'>): ResponseOf<'passwordReset'> {
    return answer('passwordReset', r);
  }
  @RpcHandler(identityRpc.passwordChange)
  passwordChange(r: RequestOf<'passwordChange'>): ResponseOf<'passwordChange'> {
    return answer('passwordChange', r);
  }
  @RpcHandler(identityRpc.clientToken)
  clientToken(r: RequestOf<'clientToken'>): ResponseOf<'clientToken'> {
    return answer('clientToken', r);
  }
  @RpcHandler(identityRpc.me)
  me(r: RequestOf<'me'>): ResponseOf<'me'> {
    return answer('me', r);
  }
  @RpcHandler(identityRpc.auditLog)
  auditLog(r: RequestOf<'auditLog'>): ResponseOf<'auditLog'> {
    return answer('auditLog', r);
  }
}

// Test-only: what headers reach a handler after the gateway's hooks.
@Public()
@Controller({ path: 'probe', version: '1' })
class HeaderProbeController {
  @Get('headers')
  headers(@Headers() headers: Record<string, string>): Record<string, string> {
    return headers;
  }
}

// ---- set-up ----------------------------------------------------------------------------------------------------

beforeAll(async () => {
  keyset = await createKeySet();
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'error', LOG_PRETTY: 'false' };
  const authConfig = loadConfig(gatewayEnv, { ...common, HTTP_PORT: String(await freePort()) });
  auth = await startService({
    service: 'auth',
    config: authConfig,
    module: {
      module: class IdentityTestAuthModule {},
      imports: [PlatformModule.forRoot({ service: 'auth', config: authConfig })],
      providers: [TestIdentityHandlers],
    },
  });
  const gatewayConfig = loadConfig(gatewayEnv, {
    ...common,
    HTTP_PORT: String(await freePort()),
    REDIS_KEY_PREFIX: `${namespace}gateway:`,
    SESSION_REVOCATION_KEY_PREFIX: revocationPrefix,
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
  });
  const gatewayModule: DynamicModule = {
    module: class GatewayWithHeaderProbeModule {},
    imports: [AppModule.forRoot(gatewayConfig)],
    controllers: [HeaderProbeController],
  };
  gateway = await startService({
    service: 'gateway',
    config: gatewayConfig,
    module: gatewayModule,
    configure: (app) => configureGatewayHttp(app, 'test'),
  });
  revocationWriter = createRedisClient({ url: gatewayConfig.REDIS_URL, keyPrefix: revocationPrefix });
});

afterAll(async () => {
  if (revocationWriter) await closeRedisClient(revocationWriter);
  for (const running of [gateway, auth]) {
    if (!running) continue;
    const messaging = running.app.get(Messaging);
    await running.stop();
    await messaging.deleteTopology();
  }
});

beforeEach(() => {
  calls.length = 0;
  overrides.clear();
});

// ---- helpers ---------------------------------------------------------------------------------------------------

function subject(roles: string[], extra: Partial<AccessTokenSubject> = {}): AccessTokenSubject {
  return { sub: randomUUID(), sid: randomUUID(), roles, scopes: [], amr: ['pwd'], ...extra };
}

async function bearer(who: AccessTokenSubject): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signAccessToken(keyset, who, { issuer, audience })}` };
}

function send(
  method: string,
  path: string,
  options: { json?: unknown; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return fetch(`${gateway.url}${path}`, { method, headers, body });
}

async function problem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  return body;
}

// Where the requests come from as the gateway forwards it (TRUST_PROXY is off: the socket's address).
const fromLocalhost = expect.objectContaining({ ip: '127.0.0.1' }) as { ip: string };

const validRegistration = { email: 'ada@example.com', password: 'correct horse battery', fullName: 'Ada' };

// ---- validation ------------------------------------------------------------------------------------------------

describe('validation', () => {
  it('answers 422 with a JSON Pointer per bad, missing or unknown field, and calls nothing', async () => {
    const response = await send('POST', '/v1/auth/register', {
      json: { email: 'not-an-email', password: 12, isAdmin: true },
    });
    const body = await problem(response, 422, 'validation_failed');
    const pointers = (body.errors as { pointer: string }[]).map((error) => error.pointer).sort();
    expect(pointers).toEqual(['/email', '/fullName', '/isAdmin', '/password']);
    expect(callsTo('register')).toEqual([]);
  });

  it('bounds sizes: an email over 254 characters or a password over 1024 is refused', async () => {
    const longEmail = `${'a'.repeat(250)}@example.com`;
    const body = await problem(
      await send('POST', '/v1/auth/login', { json: { email: longEmail, password: 'x'.repeat(1025) } }),
      422,
      'validation_failed',
    );
    expect((body.errors as { pointer: string }[]).map((error) => error.pointer).sort()).toEqual([
      '/email',
      '/password',
    ]);
  });

  it('answers a body that is not an object at the root pointer', async () => {
    const body = await problem(await send('POST', '/v1/auth/login', { json: [1] }), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '' })]);
  });

  it('keeps malformed JSON a 400 and a form body on a JSON route a 415', async () => {
    await problem(
      await send('POST', '/v1/auth/login', {
        headers: { 'content-type': 'application/json' },
        body: '{"email":',
      }),
      400,
      'malformed_json',
    );
    await problem(
      await send('POST', '/v1/auth/login', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40b.c&password=x',
      }),
      415,
      'unsupported_media_type',
    );
    expect(callsTo('login')).toEqual([]);
  });
});

// ---- public routes ---------------------------------------------------------------------------------------------

describe('public routes', () => {
  it('registers: 201 {userId}, forwarding the shape and where the request came from', async () => {
    const response = await send('POST', '/v1/auth/register', {
      json: validRegistration,
      headers: { 'user-agent': 'kasho-test/1', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ userId: USER_ID });
    // TRUST_PROXY is off: the socket's address, not the header's.
    expect(callsTo('register')).toEqual([
      { ...validRegistration, client: { ip: '127.0.0.1', userAgent: 'kasho-test/1' } },
    ]);
  });

  it('logs in: 200 tokens, never cached', async () => {
    const response = await send('POST', '/v1/auth/login', {
      json: { email: 'ada@example.com', password: 'pw' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(tokens);
    expect(callsTo('login')).toEqual([{ email: 'ada@example.com', password: 'pw', client: fromLocalhost }]);
  });

  it('passes an MFA challenge through', async () => {
    overrides.set('login', () => ({ mfaRequired: true, mfaToken: 'mfa-1' }));
    const response = await send('POST', '/v1/auth/login', {
      json: { email: 'ada@example.com', password: 'pw' },
    });
    expect(await response.json()).toEqual({ mfaRequired: true, mfaToken: 'mfa-1' });
  });

  it('answers each public route without a token, with its status', async () => {
    const expectations: [string, unknown, number][] = [
      ['/v1/auth/verify-email', { token: 'tok' }, 204],
      ['/v1/auth/mfa/verify', { mfaToken: 'm', code: '123456' }, 200],
      ['/v1/auth/refresh', { refreshToken: 'rt' }, 200],
      ['/v1/auth/password/forgot', { email: 'ada@example.com' }, 202],
      ['/v1/auth/password/reset', { token: 'tok', newPassword: 'a new long password' }, 204],
    ];
    for (const [path, json, status] of expectations) {
      const response = await send('POST', path, { json });
      expect({ path, status: response.status }).toEqual({ path, status });
    }
    expect(callsTo('verifyEmail')).toEqual([{ token: 'tok' }]);
    expect(callsTo('passwordReset')).toEqual([{ token: 'tok', newPassword: 'a new long password' }]);
    expect(callsTo('refresh')).toEqual([{ refreshToken: 'rt', client: fromLocalhost }]);
  });
});

// ---- errors from the auth service ------------------------------------------------------------------------------

describe('errors from the auth service', () => {
  it('maps invalid_credentials to 401 at login', async () => {
    overrides.set('login', () => {
      throw new DomainError(ErrorCode.InvalidCredentials, 'The email or password is wrong.');
    });
    await problem(
      await send('POST', '/v1/auth/login', { json: { email: 'ada@example.com', password: 'bad' } }),
      401,
      'invalid_credentials',
    );
  });

  it('keeps a 422 status override (a wrong current password at password change)', async () => {
    overrides.set('passwordChange', () => {
      throw new DomainError(ErrorCode.InvalidCredentials, 'The current password is wrong.', { status: 422 });
    });
    const response = await send('POST', '/v1/auth/password/change', {
      json: { currentPassword: 'bad', newPassword: 'a new long password' },
      headers: await bearer(subject(['customer'])),
    });
    await problem(response, 422, 'invalid_credentials');
  });

  it('maps invalid_mfa_code to 401 and invalid_code to 422', async () => {
    overrides.set('mfaVerify', () => {
      throw new DomainError(ErrorCode.InvalidMfaCode, 'Wrong code.');
    });
    await problem(
      await send('POST', '/v1/auth/mfa/verify', { json: { mfaToken: 'm', code: '000000' } }),
      401,
      'invalid_mfa_code',
    );
    overrides.set('mfaDisable', () => {
      throw new DomainError(ErrorCode.InvalidCode, 'Wrong code.');
    });
    await problem(
      await send('POST', '/v1/auth/mfa/disable', {
        json: { code: '000000' },
        headers: await bearer(subject(['customer'])),
      }),
      422,
      'invalid_code',
    );
  });
});

// ---- protected, self-service routes ----------------------------------------------------------------------------

const protectedRoutes: [string, string][] = [
  ['POST', '/v1/auth/logout'],
  ['GET', '/v1/auth/sessions'],
  ['DELETE', '/v1/auth/sessions/01930000-0000-7000-8000-0000000000aa'],
  ['POST', '/v1/auth/mfa/totp/setup'],
  ['POST', '/v1/auth/mfa/totp/activate'],
  ['POST', '/v1/auth/mfa/disable'],
  ['POST', '/v1/auth/password/change'],
  ['GET', '/v1/me'],
  ['GET', '/v1/admin/audit-log'],
];

describe('protected routes', () => {
  it.each(protectedRoutes)('%s %s needs a token (401)', async (method, path) => {
    const response = await send(method, path);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await problem(response, 401, 'unauthorized');
  });

  it('gives self-service RPCs the caller from the token, never from the body or headers', async () => {
    const who = subject(['customer']);
    const headers = { ...(await bearer(who)), 'x-user-id': 'someone-else', 'x-session-id': 'other-session' };
    const caller = { userId: who.sub, sessionId: who.sid };

    expect((await send('GET', '/v1/me', { headers })).status).toBe(200);
    expect((await send('POST', '/v1/auth/logout', { headers })).status).toBe(204);
    expect((await send('GET', '/v1/auth/sessions', { headers })).status).toBe(200);
    const target = '01930000-0000-7000-8000-0000000000aa';
    expect((await send('DELETE', `/v1/auth/sessions/${target}`, { headers })).status).toBe(204);
    const totp = await send('POST', '/v1/auth/mfa/totp/setup', { headers });
    expect(totp.status).toBe(200);
    expect(totp.headers.get('cache-control')).toBe('no-store');
    const activate = await send('POST', '/v1/auth/mfa/totp/activate', { headers, json: { code: '123456' } });
    expect(activate.status).toBe(200);
    expect(await activate.json()).toEqual({ recoveryCodes: ['a1b2c3d4'] });
    expect((await send('POST', '/v1/auth/mfa/disable', { headers, json: { code: '123456' } })).status).toBe(
      204,
    );
    const change = { currentPassword: 'old', newPassword: 'a new long password' };
    expect((await send('POST', '/v1/auth/password/change', { headers, json: change })).status).toBe(204);

    expect(callsTo('me')).toEqual([caller]);
    expect(callsTo('logout')).toEqual([caller]);
    expect(callsTo('listSessions')).toEqual([caller]);
    expect(callsTo('revokeSession')).toEqual([{ ...caller, targetSessionId: target }]);
    expect(callsTo('totpSetup')).toEqual([caller]);
    expect(callsTo('totpActivate')).toEqual([{ ...caller, code: '123456' }]);
    expect(callsTo('mfaDisable')).toEqual([{ ...caller, code: '123456' }]);
    expect(callsTo('passwordChange')).toEqual([{ ...caller, ...change }]);
  });

  it('refuses a caller named in the body (422, unknown field)', async () => {
    const response = await send('POST', '/v1/auth/password/change', {
      headers: await bearer(subject(['customer'])),
      json: { currentPassword: 'old', newPassword: 'a new long password', userId: USER_ID },
    });
    const body = await problem(response, 422, 'validation_failed');
    expect(body.errors).toEqual([{ pointer: '/userId', detail: 'Unknown field.' }]);
    expect(callsTo('passwordChange')).toEqual([]);
  });

  it('answers a session id that cannot be one 404, like an unknown one', async () => {
    const response = await send('DELETE', '/v1/auth/sessions/..%2F..%2Fetc', {
      headers: await bearer(subject(['customer'])),
    });
    await problem(response, 404, 'not_found');
    expect(callsTo('revokeSession')).toEqual([]);
  });

  it('refuses an OAuth client token on a self-service route (403: a client is not a user)', async () => {
    const client = subject([], { scopes: ['payments:read', 'self'], clientId: 'partner-1', amr: undefined });
    await problem(await send('GET', '/v1/me', { headers: await bearer(client) }), 403, 'forbidden');
    await problem(await send('POST', '/v1/auth/logout', { headers: await bearer(client) }), 403, 'forbidden');
    expect(calls).toEqual([]);
  });
});

// ---- revocation ------------------------------------------------------------------------------------------------

describe('session revocation', () => {
  it('refuses a revoked session at once with the generic 401, and only that session', async () => {
    const revoked = subject(['customer']);
    const other = subject(['customer'], { sub: revoked.sub });
    const revokedHeaders = await bearer(revoked);
    expect((await send('GET', '/v1/me', { headers: revokedHeaders })).status).toBe(200);

    await new SessionRevocations(revocationWriter).revoke(revoked.sid, new Date(Date.now() + 600_000));

    const refused = await send('GET', '/v1/me', { headers: revokedHeaders });
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const body = await problem(refused, 401, 'unauthorized');
    expect(body.detail).toBe('The access token is missing, invalid or expired.');
    expect((await send('GET', '/v1/me', { headers: await bearer(other) })).status).toBe(200);
  });
});

// ---- back office -----------------------------------------------------------------------------------------------

describe('GET /v1/admin/audit-log', () => {
  it('refuses a customer (403 forbidden)', async () => {
    await problem(
      await send('GET', '/v1/admin/audit-log', { headers: await bearer(subject(['customer'])) }),
      403,
      'forbidden',
    );
  });

  it('refuses an admin whose session did not pass MFA (403 mfa_required)', async () => {
    await problem(
      await send('GET', '/v1/admin/audit-log', { headers: await bearer(subject(['admin'])) }),
      403,
      'mfa_required',
    );
  });

  it('refuses an OAuth client, whatever its scopes', async () => {
    const client = subject([], { scopes: ['backoffice:audit:read'], clientId: 'partner-1', amr: undefined });
    await problem(
      await send('GET', '/v1/admin/audit-log', { headers: await bearer(client) }),
      403,
      'forbidden',
    );
    expect(callsTo('auditLog')).toEqual([]);
  });

  it('serves an admin with MFA: limit defaults to 20, cursor is passed on', async () => {
    const headers = await bearer(subject(['admin'], { amr: ['pwd', 'mfa'] }));
    const response = await send('GET', '/v1/admin/audit-log', { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [], nextCursor: null });
    expect((await send('GET', '/v1/admin/audit-log?limit=100&cursor=abc', { headers })).status).toBe(200);
    expect(callsTo('auditLog')).toEqual([{ limit: 20 }, { limit: 100, cursor: 'abc' }]);
  });

  it.each(['0', '101', 'abc', '1.5', '-1'])('answers limit=%s with 422 at /limit', async (limit) => {
    const headers = await bearer(subject(['admin'], { amr: ['pwd', 'mfa'] }));
    const body = await problem(
      await send('GET', `/v1/admin/audit-log?limit=${limit}`, { headers }),
      422,
      'validation_failed',
    );
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/limit' })]);
    expect(callsTo('auditLog')).toEqual([]);
  });
});

// ---- OAuth 2.0 client credentials ------------------------------------------------------------------------------

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function basic(id: string, secret: string): string {
  // RFC 6749 section 2.3.1: form-urlencode each, then Base64 of "id:secret".
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

async function oauthError(response: Response, status: number, error: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error, error_description: expect.any(String) as string });
}

describe('POST /v1/oauth/token', () => {
  it('issues a token to a client authenticated with HTTP Basic (id and secret form-urlencoded)', async () => {
    const response = await send('POST', '/v1/oauth/token', {
      headers: { ...FORM, authorization: basic('partner:1', 'p@ss w+rd/é') },
      body: 'grant_type=client_credentials&scope=payments%3Aread',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(defaults.clientToken);
    expect(callsTo('clientToken')).toEqual([
      {
        grantType: 'client_credentials',
        clientId: 'partner:1',
        clientSecret: 'p@ss w+rd/é',
        scope: 'payments:read',
        client: fromLocalhost,
      },
    ]);
  });

  it('issues a token to a client authenticated in the body (client_secret_post)', async () => {
    const response = await send('POST', '/v1/oauth/token', {
      headers: FORM,
      body: 'grant_type=client_credentials&client_id=partner-1&client_secret=s3cret&unknown=ignored',
    });
    expect(response.status).toBe(200);
    expect(callsTo('clientToken')).toEqual([
      {
        grantType: 'client_credentials',
        clientId: 'partner-1',
        clientSecret: 's3cret',
        client: fromLocalhost,
      },
    ]);
  });

  it('answers bad credentials 401 invalid_client with a Basic challenge', async () => {
    overrides.set('clientToken', () => {
      throw new DomainError(ErrorCode.OAuthInvalidClient, 'Client authentication failed.');
    });
    const response = await send('POST', '/v1/oauth/token', {
      headers: { ...FORM, authorization: basic('partner-1', 'wrong') },
      body: 'grant_type=client_credentials',
    });
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="kasho"');
    await oauthError(response, 401, 'invalid_client');
  });

  it('answers no client authentication at all 401 invalid_client', async () => {
    await oauthError(
      await send('POST', '/v1/oauth/token', { headers: FORM, body: 'grant_type=client_credentials' }),
      401,
      'invalid_client',
    );
  });

  it('refuses two authentication methods at once (400 invalid_request)', async () => {
    await oauthError(
      await send('POST', '/v1/oauth/token', {
        headers: { ...FORM, authorization: basic('partner-1', 's3cret') },
        body: 'grant_type=client_credentials&client_id=partner-1&client_secret=s3cret',
      }),
      400,
      'invalid_request',
    );
    expect(callsTo('clientToken')).toEqual([]);
  });

  it('refuses a JSON body (400 invalid_request)', async () => {
    await oauthError(
      await send('POST', '/v1/oauth/token', {
        json: { grant_type: 'client_credentials', client_id: 'partner-1', client_secret: 's3cret' },
      }),
      400,
      'invalid_request',
    );
  });

  it('refuses a missing grant_type or a repeated parameter (400 invalid_request)', async () => {
    await oauthError(
      await send('POST', '/v1/oauth/token', { headers: FORM, body: 'client_id=partner-1&client_secret=s' }),
      400,
      'invalid_request',
    );
    await oauthError(
      await send('POST', '/v1/oauth/token', {
        headers: FORM,
        body: 'grant_type=client_credentials&client_id=a&client_id=b&client_secret=s',
      }),
      400,
      'invalid_request',
    );
    expect(callsTo('clientToken')).toEqual([]);
  });

  it('passes the auth service’s OAuth errors through (unsupported_grant_type, invalid_scope)', async () => {
    overrides.set('clientToken', () => {
      throw new DomainError(ErrorCode.OAuthUnsupportedGrantType, 'Only client_credentials.');
    });
    await oauthError(
      await send('POST', '/v1/oauth/token', {
        headers: FORM,
        body: 'grant_type=password&client_id=partner-1&client_secret=s',
      }),
      400,
      'unsupported_grant_type',
    );
    await oauthError(
      await send('POST', '/v1/oauth/token', {
        headers: FORM,
        body: 'grant_type=client_credentials&client_id=partner-1&client_secret=s&scope=%22bad%22',
      }),
      400,
      'invalid_scope',
    );
  });
});

// ---- identity headers ------------------------------------------------------------------------------------------

describe('client-supplied identity headers', () => {
  it('are stripped before any handler sees them; other headers are kept', async () => {
    const response = await send('GET', '/v1/probe/headers', {
      headers: {
        'x-user-id': 'admin',
        'x-user-roles': 'admin',
        'x-client-id': 'partner-1',
        'x-authenticated-userid': 'admin',
        'x-forwarded-user': 'admin',
        'x-request-id': 'trace-me-1',
        'x-custom': 'kept',
      },
    });
    const seen = (await response.json()) as Record<string, string>;
    for (const name of [
      'x-user-id',
      'x-user-roles',
      'x-client-id',
      'x-authenticated-userid',
      'x-forwarded-user',
    ])
      expect(seen).not.toHaveProperty(name);
    expect(seen).toMatchObject({ 'x-request-id': 'trace-me-1', 'x-custom': 'kept' });
  });
});

// ---- OpenAPI ---------------------------------------------------------------------------------------------------

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}

describe('GET /openapi.json', () => {
  const identityOperations: [string, string, boolean][] = [
    ['post', '/v1/auth/register', true],
    ['post', '/v1/auth/verify-email', true],
    ['post', '/v1/auth/login', true],
    ['post', '/v1/auth/mfa/verify', true],
    ['post', '/v1/auth/refresh', true],
    ['post', '/v1/auth/logout', false],
    ['get', '/v1/auth/sessions', false],
    ['delete', '/v1/auth/sessions/{id}', false],
    ['post', '/v1/auth/mfa/totp/setup', false],
    ['post', '/v1/auth/mfa/totp/activate', false],
    ['post', '/v1/auth/mfa/disable', false],
    ['post', '/v1/auth/password/forgot', true],
    ['post', '/v1/auth/password/reset', true],
    ['post', '/v1/auth/password/change', false],
    ['post', '/v1/oauth/token', true],
    ['get', '/.well-known/jwks.json', true],
    ['get', '/v1/me', false],
    ['get', '/v1/admin/audit-log', false],
  ];
  let document: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };

  beforeAll(async () => {
    const response = await fetch(`${gateway.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as typeof document;
  });

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(JSON.stringify(document)).not.toContain('"nullable"');
  });

  it.each(identityOperations)('lists %s %s, public=%s, with the right security', (method, path, isPublic) => {
    const operation = document.paths[path]?.[method];
    expect(operation).toBeDefined();
    if (isPublic) expect(operation?.security ?? []).toEqual([]);
    else expect(operation?.security).toEqual([{ bearer: [] }]);
  });

  it('documents bodies and answers from the zod schemas, and errors as problem+json', () => {
    const register = document.paths['/v1/auth/register'].post;
    expect(register.requestBody?.content['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/RegisterRequest' },
    });
    expect(document.components.schemas.RegisterRequest).toMatchObject({
      type: 'object',
      required: ['email', 'password', 'fullName'],
      additionalProperties: false,
      properties: { email: { maxLength: 254 }, password: { maxLength: 1024 }, fullName: { maxLength: 200 } },
    });
    expect(register.responses['201']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RegisterResponse' } } },
    });
    expect(register.responses['422']).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(document.components.schemas.Problem).toMatchObject({ type: 'object' });
  });

  it('documents the token endpoint’s form body', () => {
    const token = document.paths['/v1/oauth/token'].post;
    expect(Object.keys(token.requestBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
    expect(document.components.schemas.ClientTokenRequest).toMatchObject({
      required: ['grant_type'],
      properties: { grant_type: { type: 'string' } },
    });
  });
});

// ---- Redis down: last, since it closes the gateway's revocation connection -----------------------------------

describe('when the revocation list cannot be read', () => {
  it('refuses authenticated requests with 503 and lets public ones through', async () => {
    const headers = await bearer(subject(['customer']));
    gateway.app.get<symbol, RedisClient>(SESSION_REVOCATION_REDIS).disconnect();
    await problem(await send('GET', '/v1/me', { headers }), 503, 'service_unavailable');
    expect(callsTo('me')).toEqual([]);
    expect((await send('POST', '/v1/auth/refresh', { json: { refreshToken: 'rt' } })).status).toBe(200);
  });
});
