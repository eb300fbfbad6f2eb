import { authJwksRpc, type JwksDocument } from '@kasho/contracts';
import { loadConfig } from '@kasho/config';
import { Messaging, RpcHandler } from '@kasho/messaging';
import { PlatformModule, type RunningService, startService } from '@kasho/platform';
import {
  type AccessTokenClaims,
  createKeySet,
  publicJwks,
  signAccessToken,
  type KeySet,
} from '@kasho/security';
import { createTestNamespace, freePort } from '@kasho/testing';
import { Controller, Get, Injectable, type DynamicModule } from '@nestjs/common';
import { AppModule } from '../src/app.module';
import { AccessClaims, AuthenticatedOnly } from '../src/auth';
import { gatewayEnv } from '../src/config';
import { configureGatewayHttp } from '../src/http-setup';

// Authentication at the gateway, through the real broker: the auth side (a chassis answering `auth.keys.jwks`
// with a keyset made here) and the real gateway app plus one test-only protected route, in one process.

const namespace = createTestNamespace('tokens');
const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';
const subject = { sub: 'user-1', sid: 'session-1', roles: ['customer'], scopes: ['accounts:read'] };
let keyset: KeySet;
let auth: RunningService;
let gateway: RunningService;

@Injectable()
class TestJwksHandler {
  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(keyset);
  }
}

// No @Public(): the global guard protects it, as it will every real route that does not opt out.
@Controller({ path: 'probe', version: '1' })
@AuthenticatedOnly()
class ProtectedProbeController {
  @Get('me')
  me(@AccessClaims() claims: AccessTokenClaims): AccessTokenClaims {
    return claims;
  }
}

beforeAll(async () => {
  keyset = await createKeySet();
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'warn', LOG_PRETTY: 'false' };
  const authConfig = loadConfig(gatewayEnv, { ...common, HTTP_PORT: String(await freePort()) });
  const authModule: DynamicModule = {
    module: class AuthKeysTestModule {},
    imports: [PlatformModule.forRoot({ service: 'auth', config: authConfig })],
    providers: [TestJwksHandler],
  };
  auth = await startService({ service: 'auth', config: authConfig, module: authModule });

  const gatewayConfig = loadConfig(gatewayEnv, { ...common, HTTP_PORT: String(await freePort()) });
  const gatewayModule: DynamicModule = {
    module: class GatewayWithProbeModule {},
    imports: [AppModule.forRoot(gatewayConfig)],
    controllers: [ProtectedProbeController],
  };
  gateway = await startService({
    service: 'gateway',
    config: gatewayConfig,
    module: gatewayModule,
    configure: (app) => configureGatewayHttp(app, 'test'),
  });
});

afterAll(async () => {
  for (const running of [gateway, auth]) {
    if (!running) continue;
    const messaging = running.app.get(Messaging);
    await running.stop();
    await messaging.deleteTopology();
  }
});

function probe(authorization?: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/probe/me`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

async function expectUnauthorized(response: Response, token?: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ status: 401, code: 'unauthorized', instance: '/v1/probe/me' });
  if (token) expect(text).not.toContain(token);
}

describe('GET /.well-known/jwks.json', () => {
  it("serves the auth keyset's public keys, cacheable, without a version prefix or a token", async () => {
    const response = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await response.json()) as JwksDocument;
    expect(body).toEqual(publicJwks(keyset));
    expect(JSON.stringify(body)).not.toContain('"d"');
  });

  it('is not served under /v1', async () => {
    expect((await fetch(`${gateway.url}/v1/.well-known/jwks.json`)).status).toBe(404);
  });
});

describe('access-token guard', () => {
  it('accepts a token signed with the auth keyset and puts its claims on the request', async () => {
    const token = await signAccessToken(keyset, subject, { issuer, audience });
    const response = await probe(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ...subject, iss: issuer, aud: audience });
  });

  it('lets @Public() routes through without a token', async () => {
    expect((await fetch(`${gateway.url}/v1/status/gateway`)).status).toBe(200);
  });

  it('refuses a request without a token', async () => {
    const response = await probe();
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expectUnauthorized(response);
  });

  it('refuses another authorization scheme', async () => {
    await expectUnauthorized(await probe('Basic dXNlcjpwYXNz'));
  });

  it('refuses a garbage token', async () => {
    await expectUnauthorized(await probe('Bearer not-a-jwt'), 'not-a-jwt');
    await expectUnauthorized(await probe('Bearer a.b.c'));
  });

  it('refuses an expired token', async () => {
    const token = await signAccessToken(keyset, subject, {
      issuer,
      audience,
      ttlSeconds: 600,
      now: new Date(Date.now() - 3_600_000),
    });
    await expectUnauthorized(await probe(`Bearer ${token}`), token);
  });

  it('refuses a token for another audience', async () => {
    const token = await signAccessToken(keyset, subject, { issuer, audience: 'partner-api' });
    await expectUnauthorized(await probe(`Bearer ${token}`), token);
  });

  it('refuses a token from another issuer', async () => {
    const token = await signAccessToken(keyset, subject, { issuer: 'https://evil.example', audience });
    await expectUnauthorized(await probe(`Bearer ${token}`), token);
  });

  it('refuses a token signed by a foreign keyset', async () => {
    const foreign = await createKeySet();
    const token = await signAccessToken(foreign, subject, { issuer, audience });
    await expectUnauthorized(await probe(`Bearer ${token}`), token);
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = await signAccessToken(keyset, subject, { issuer, audience });
    const [header, , signature] = token.split('.');
    const claims = Buffer.from(
      JSON.stringify({ ...subject, roles: ['admin'], iss: issuer, aud: audience }),
    ).toString('base64url');
    await expectUnauthorized(await probe(`Bearer ${header}.${claims}.${signature}`));
  });

  it('answers an unknown route 404 whether or not a token is sent', async () => {
    expect((await fetch(`${gateway.url}/v1/nowhere`)).status).toBe(404);
    const token = await signAccessToken(keyset, subject, { issuer, audience });
    const response = await fetch(`${gateway.url}/v1/nowhere`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(404);
  });
});
