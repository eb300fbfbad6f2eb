import type { Level, Logger } from 'pino';
import type { HookRequest, HttpHookHost } from './http-hooks';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';
import { type RequestContext, runWithContext } from './request-context';

const contexts = new WeakMap<HookRequest, RequestContext>();

/** The route label of a request that matched no route: bounded, unlike the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The request's route pattern (`/v1/accounts/:id`), never the raw URL. */
export function routeOf(request: HookRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/** The context `registerRequestContext` gave a request; for code that runs outside it (onResponse hooks). */
export function requestContextOf(request: HookRequest): RequestContext | undefined {
  return contexts.get(request);
}

/**
 * Gives every request a request id (`resolveRequestId`), answers it in `X-Request-Id` and runs the request in
 * `runWithContext({ requestId, correlationId: requestId })`, so every log line and outgoing message of the
 * request carries it. Call on the root Fastify instance before the app listens.
 *
 * Running `done` of the `onRequest` hook inside the context is enough: the later hooks and the handler are called
 * from it, and Fastify continues after reading the body in the request's own async resource (its content-type
 * parser binds the callback), not in the socket's. The late-body integration test guards this.
 */
export function registerRequestContext(fastify: HttpHookHost): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = resolveRequestId(request.headers[REQUEST_ID_HEADER]);
    const context: RequestContext = { requestId, correlationId: requestId };
    contexts.set(request, context);
    reply.header(REQUEST_ID_HEADER, requestId);
    runWithContext(context, done);
  });
}

export interface RequestLoggingOptions {
  /** Routes logged at `debug` only, so probes and scrapes do not drown the log. Default: health and metrics. */
  quietRoutes?: string[];
}

const DEFAULT_QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];

/**
 * One line per completed request: method, route pattern, status and duration, with the request's ids. Never the
 * body, the query string or headers (they carry credentials and PII). 5xx lines are errors.
 */
export function registerRequestLogging(
  fastify: HttpHookHost,
  logger: Logger,
  options: RequestLoggingOptions = {},
): void {
  const quietRoutes = new Set(options.quietRoutes ?? DEFAULT_QUIET_ROUTES);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const statusCode = reply.statusCode;
    const level: Level = statusCode >= 500 ? 'error' : quietRoutes.has(route) ? 'debug' : 'info';
    const line = {
      method: request.method,
      route,
      statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    const write = () => logger[level](line, 'request completed');
    // onResponse fires from the socket's 'finish' event, outside the request's async context.
    const context = contexts.get(request);
    if (context) runWithContext(context, write);
    else write();
    done();
  });
}
