import { PROBLEM_CONTENT_TYPE, toProblemDetails } from '@kasho/errors';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { clientIp } from './client-ip';
import { EDGE_OPTIONS, type EdgeOptions } from './edge-options';
import { rateLimitedError, setRateLimitHeaders } from './rate-limit-reply';
import { RateLimiter } from './rate-limiter';

// The Fastify that Nest's adapter carries (its own copy of the fastify package, so typed from the adapter).
type FastifyInstance = ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>;

const CORS_ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';
// What a browser script may read from a cross-origin answer besides the CORS-safelisted headers.
const CORS_EXPOSED_HEADERS =
  'X-Request-Id, Idempotent-Replayed, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, WWW-Authenticate, Location';
const CORS_MAX_AGE_SECONDS = '600';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
// Swagger UI loads its own scripts, styles and images and its page carries an inline <style>; nothing else.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Registers the gateway's edge on Fastify, in order: CORS (answers allowed preflights), the per-IP rate limit
 * (before routing reaches any guard, so a flood costs one Redis round trip per request and no token checks), and
 * the security headers on every answer. Call before the app listens, after `EdgeModule` is part of the app.
 */
export function registerEdgeHooks(app: NestFastifyApplication): void {
  const options = app.get<string, EdgeOptions>(EDGE_OPTIONS);
  const limiter = app.get(RateLimiter);
  const fastify = app.getHttpAdapter().getInstance();
  registerCors(fastify, options.corsAllowedOrigins);
  registerIpRateLimit(fastify, limiter, options);
  registerSecurityHeaders(fastify);
}

function pathOf(request: { url: string }): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

/**
 * Only the listed origins get CORS headers; any other origin gets none, so the browser keeps its script out. A
 * preflight from a listed origin is answered here (204); from another it goes on to routing and is refused there.
 */
function registerCors(fastify: FastifyInstance, allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins);
  // Callback style, like every hook on the request path here: an async hook costs each request a promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    // Answers differ by Origin, so a shared cache must key on it.
    reply.header('vary', 'Origin');
    if (!allowed.has(origin)) return done();
    reply.header('access-control-allow-origin', origin);
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (!preflight) {
      reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS);
      return done();
    }
    // Answered here: without `done`, nothing past this hook runs.
    void reply
      .header('access-control-allow-methods', CORS_ALLOWED_METHODS)
      .header('access-control-allow-headers', CORS_ALLOWED_HEADERS)
      .header('access-control-max-age', CORS_MAX_AGE_SECONDS)
      .code(204)
      .send();
  });
}

// Probes and the scraper must work however busy the API is.
function isExempt(path: string): boolean {
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}

function registerIpRateLimit(fastify: FastifyInstance, limiter: RateLimiter, options: EdgeOptions): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request);
    if (isExempt(path)) return done();
    const ip = clientIp(request.raw, options.trustProxy);
    // Most requests are let through from this replica's slice of the budget, synchronously.
    const local = limiter.consumeLocally('ip', ip, options.ipPerMinute);
    if (local) {
      setRateLimitHeaders(reply, local);
      return done();
    }
    limiter.consume('ip', ip, options.ipPerMinute).then((decision) => {
      if (decision === undefined) return done();
      setRateLimitHeaders(reply, decision);
      if (decision.allowed) return done();
      // Answered here rather than by the exception filter: without `done`, nothing past this hook runs.
      const problem = toProblemDetails(rateLimitedError(), path);
      void reply
        .code(problem.status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(problem));
    }, done);
  });
}

/** Headers every answer carries; `/docs` (Swagger UI, a real page) gets a CSP that lets it load its assets. */
function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = pathOf(request);
    reply
      .header('strict-transport-security', 'max-age=63072000; includeSubDomains')
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', path === '/docs' || path.startsWith('/docs/') ? DOCS_CSP : API_CSP);
    // Answers about money and identity must not sit in a browser's or a proxy's cache unless a handler says so.
    if ((path === '/v1' || path.startsWith('/v1/')) && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    reply.removeHeader('x-powered-by');
    reply.removeHeader('server');
    done(null, payload);
  });
}
