import { authJwksRpc, type JwksDocument } from '@kasho/contracts';
import { loadConfig } from '@kasho/config';
import { Messaging, RpcHandler } from '@kasho/messaging';
import { PlatformModule, type RunningService, startService } from '@kasho/platform';
import { closeRedisClient, createRedisClient, RedisClient } from '@kasho/redis';
import {
  type AccessTokenClaims,
  createKeySet,
  publicJwks,
  signAccessToken,
  type KeySet,
} from '@kasho/security';
import { createTestNamespace, freePort } from '@kasho/testing';
import { Controller, Get, Injectable, type DynamicModule } from '@nestjs/common';
import { register } from 'prom-client';
import { AppModule } from '../src/app.module';
import { AccessClaims, AuthenticatedOnly } from '../src/auth';
import { gatewayEnv } from '../src/config';
import { RateLimiter } from '../src/edge';
import { configureGatewayHttp } from '../src/http-setup';

// Rate limits at the gateway against the real Redis (a key prefix of this run's own) and broker: a tight per-IP
// and per-user budget; behind a "trusted proxy" so each test can come from its own client address.

const namespace = createTestNamespace('ratelimit');
const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';
const IP_LIMIT = 3;
const USER_LIMIT = 2;
let keyset: KeySet;
let auth: RunningService;
let gateway: RunningService;
let addresses = 0;

@Injectable()
class TestJwksHandler {
  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(keyset);
  }
}

@Controller({ path: 'probe', version: '1' })
@AuthenticatedOnly()
class ProtectedProbeController {
  @Get('me')
  me(@AccessClaims() claims: AccessTokenClaims): { sub: string } {
    return { sub: claims.sub };
  }
}

beforeAll(async () => {
  keyset = await createKeySet();
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'error', LOG_PRETTY: 'false' };
  const authConfig = loadConfig(gatewayEnv, { ...common, HTTP_PORT: String(await freePort()) });
  auth = await startService({
    service: 'auth',
    config: authConfig,
    module: {
      module: class AuthKeysTestModule {},
      imports: [PlatformModule.forRoot({ service: 'auth', config: authConfig })],
      providers: [TestJwksHandler],
    },
  });
  const gatewayConfig = loadConfig(gatewayEnv, {
    ...common,
    HTTP_PORT: String(await freePort()),
    REDIS_KEY_PREFIX: `kasho:test:${namespace}:`,
    RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT),
    RATE_LIMIT_USER_PER_MINUTE: String(USER_LIMIT),
    TRUST_PROXY: 'true',
  });
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

/** A client address no other request of this run has used (TEST-NET-3). */
function newAddress(): string {
  addresses += 1;
  return `203.0.113.${addresses}`;
}

function get(path: string, address: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = { 'x-forwarded-for': address };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return fetch(`${gateway.url}${path}`, { headers });
}

async function expectRateLimited(response: Response, instance: string): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(response.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
  expect(await response.json()).toMatchObject({ status: 429, code: 'rate_limited', instance });
}

describe('per-IP rate limit', () => {
  it('lets the budget through, counting down, and refuses the next request with 429 problem+json', async () => {
    const address = newAddress();
    for (let used = 1; used <= IP_LIMIT; used += 1) {
      const response = await get('/v1/status/gateway', address);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe(String(IP_LIMIT));
      expect(response.headers.get('ratelimit-remaining')).toBe(String(IP_LIMIT - used));
      expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('retry-after')).toBeNull();
    }
    const refused = await get('/v1/status/gateway', address);
    await expectRateLimited(refused, '/v1/status/gateway');
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('gives every client address its own budget', async () => {
    const spent = newAddress();
    for (let used = 0; used <= IP_LIMIT; used += 1) await get('/v1/status/gateway', spent);
    expect((await get('/v1/status/gateway', spent)).status).toBe(429);
    const other = await get('/v1/status/gateway', newAddress());
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe(String(IP_LIMIT - 1));
  });

  it('counts unknown routes and refused tokens too: the limit runs before routing and authentication', async () => {
    const address = newAddress();
    for (let used = 0; used < IP_LIMIT; used += 1) {
      expect((await get('/v1/probe/me', address, 'not-a-jwt')).status).toBe(401);
    }
    await expectRateLimited(await get('/v1/nowhere', address), '/v1/nowhere');
  });

  it('leaves health and metrics unlimited', async () => {
    const address = newAddress();
    for (let used = 0; used <= IP_LIMIT * 2; used += 1) {
      const live = await get('/health/live', address);
      expect(live.status).toBe(200);
      expect(live.headers.get('ratelimit-limit')).toBeNull();
      expect((await get('/metrics', address)).status).toBe(200);
    }
  });
});

describe('per-user rate limit', () => {
  it('counts a user across addresses, refuses the next request with 429, and keeps users apart', async () => {
    const alice = await signAccessToken(
      keyset,
      { sub: 'user-alice', sid: 's-1', roles: ['customer'], scopes: [] },
      { issuer, audience },
    );
    const bob = await signAccessToken(
      keyset,
      { sub: 'user-bob', sid: 's-2', roles: ['customer'], scopes: [] },
      { issuer, audience },
    );
    for (let used = 1; used <= USER_LIMIT; used += 1) {
      const response = await get('/v1/probe/me', newAddress(), alice);
      expect(response.status).toBe(200);
      // The user's budget is the tighter one here, so it is the one reported.
      expect(response.headers.get('ratelimit-limit')).toBe(String(USER_LIMIT));
      expect(response.headers.get('ratelimit-remaining')).toBe(String(USER_LIMIT - used));
    }
    await expectRateLimited(await get('/v1/probe/me', newAddress(), alice), '/v1/probe/me');

    const other = await get('/v1/probe/me', newAddress(), bob);
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ sub: 'user-bob' });
  });
});

describe('when Redis does not answer', () => {
  it('fails open: lets the request through unchecked and counts it', async () => {
    const closedPort = await freePort();
    const redis = createRedisClient({
      url: `redis://127.0.0.1:${closedPort}`,
      keyPrefix: `kasho:test:${namespace}:down:`,
      onError: () => undefined,
    });
    const unchecked = async (): Promise<number> =>
      (await register.getSingleMetric('kasho_gateway_rate_limit_unchecked_total')?.get())?.values[0]?.value ??
      0;
    try {
      const limiter = new RateLimiter(redis);
      const before = await unchecked();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect(await limiter.consume('ip', '198.51.100.1', 1)).toBeUndefined();
      }
      expect((await unchecked()) - before).toBe(3);
    } finally {
      await closeRedisClient(redis);
    }
  });

  it('lets a client far from its limit through from a local slice, and charges Redis for every request', async () => {
    const limiter = gateway.app.get(RateLimiter);
    const subject = `slice-${namespace}`;
    const limit = 1000;
    const started = Date.now();
    let passed = 0;
    for (let index = 0; index < 300; index += 1) {
      const decision = await limiter.consume('ip', subject, limit);
      if (decision?.allowed) passed += 1;
    }
    expect(passed).toBe(300);
    // Whatever was let through locally is owed: once the quiet slice is drained and charged, Redis has all 300.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const redis = gateway.app.get(RedisClient);
    const tat = Number(await redis.get(`rate-limit:ip:${subject}`));
    const time = await redis.time();
    const redisNow = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const refilled = ((Date.now() - started) * limit) / 60_000;
    const spent = ((tat - redisNow) * limit) / 60_000 + refilled;
    expect(spent).toBeGreaterThan(299.5);
    expect(spent).toBeLessThan(300.5 + 1);
  });

  it('uses the same limiter code against a live Redis', async () => {
    const limiter = gateway.app.get(RateLimiter);
    const subject = `direct-${namespace}`;
    expect(await limiter.consume('ip', subject, 1)).toMatchObject({ allowed: true, remaining: 0, limit: 1 });
    expect(await limiter.consume('ip', subject, 1)).toMatchObject({ allowed: false, remaining: 0 });
  });
});
