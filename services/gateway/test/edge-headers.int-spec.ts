import { loadConfig } from '@kasho/config';
import { Messaging } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createTestNamespace, freePort } from '@kasho/testing';
import { AppModule } from '../src/app.module';
import { gatewayEnv } from '../src/config';
import { configureGatewayHttp } from '../src/http-setup';

// Security headers on every gateway answer and the CORS allow-list, against the real gateway app.

const namespace = createTestNamespace('edge');
const allowedOrigin = 'https://app.kasho.test';
let gateway: RunningService;

beforeAll(async () => {
  const config = loadConfig(gatewayEnv, {
    AMQP_NAMESPACE: namespace,
    LOG_LEVEL: 'error',
    LOG_PRETTY: 'false',
    HTTP_PORT: String(await freePort()),
    REDIS_KEY_PREFIX: `kasho:test:${namespace}:`,
    CORS_ALLOWED_ORIGINS: `${allowedOrigin}, https://admin.kasho.test`,
  });
  gateway = await startService({
    service: 'gateway',
    config,
    module: AppModule.forRoot(config),
    configure: (app) => configureGatewayHttp(app, 'test'),
  });
});

afterAll(async () => {
  if (!gateway) return;
  const messaging = gateway.app.get(Messaging);
  await gateway.stop();
  await messaging.deleteTopology();
});

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-powered-by')).toBeNull();
  expect(response.headers.get('server')).toBeNull();
}

describe('security headers', () => {
  it('are on a /v1 answer, with the strict CSP and no-store', async () => {
    const response = await fetch(`${gateway.url}/v1/status/gateway`);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('ratelimit-limit')).toBe('600');
  });

  it('are on a 404', async () => {
    const response = await fetch(`${gateway.url}/v1/nowhere`);
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('are on answers outside /v1, which are not made no-store', async () => {
    const response = await fetch(`${gateway.url}/openapi.json`);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('give /docs a CSP that lets Swagger UI load its own assets, and only those', async () => {
    const response = await fetch(`${gateway.url}/docs`);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('*');
  });
});

describe('CORS', () => {
  function preflight(origin: string): Promise<Response> {
    return fetch(`${gateway.url}/v1/status/gateway`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, idempotency-key',
      },
    });
  }

  it('answers a preflight from a listed origin', async () => {
    const response = await preflight(allowedOrigin);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Idempotency-Key, X-Request-Id',
    );
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('gives another origin no CORS headers at all', async () => {
    const response = await preflight('https://evil.example');
    expect(response.status).not.toBe(204);
    for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
    const simple = await fetch(`${gateway.url}/v1/status/gateway`, {
      headers: { origin: 'https://evil.example' },
    });
    for (const [name] of simple.headers) expect(name).not.toMatch(/^access-control-/);
  });

  it("lets a listed origin's script read the answer and its rate-limit headers", async () => {
    const response = await fetch(`${gateway.url}/v1/status/gateway`, { headers: { origin: allowedOrigin } });
    expect(response.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(response.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
