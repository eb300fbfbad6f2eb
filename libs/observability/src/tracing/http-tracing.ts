import { type HookRequest, type HttpHookHost } from '@kasho/logging';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { extractTraceContext } from './trace-context';

const TRACER_NAME = '@kasho/observability';
const serverSpans = new WeakMap<HookRequest, Span>();

/**
 * A SERVER span per HTTP request, child of the caller's `traceparent` when there is one, named
 * `<METHOD> <route pattern>` (just `<METHOD>` when no route matched). The span is active while the hooks and the
 * handler run, so spans and messages the handler starts (an RPC publish) belong to it. It ends when the response is
 * finished or the client aborts. Never records the query string, headers or bodies.
 *
 * Call on the root Fastify instance before the app listens, and after `startTracing`.
 */
export function registerHttpTracing(fastify: HttpHookHost): void {
  // Once, not per request (a lookup in the provider's tracer registry each time); the API's proxy tracer follows
  // whichever provider `startTracing` registers.
  const tracer = trace.getTracer(TRACER_NAME);
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = extractTraceContext(request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: request.url.split('?', 1)[0],
          ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
        },
      },
      parent,
    );
    serverSpans.set(request, span);
    // Fastify runs the later hooks and the handler from `done`, and resumes after the body in the request's own
    // async resource, so the span stays active for all of them.
    context.with(trace.setSpan(parent, span), done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const span = serverSpans.get(request);
    if (span) {
      serverSpans.delete(request);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });

  fastify.addHook('onRequestAbort', (request, done) => {
    const span = serverSpans.get(request);
    if (span) {
      serverSpans.delete(request);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted the request' });
      span.end();
    }
    done();
  });
}
