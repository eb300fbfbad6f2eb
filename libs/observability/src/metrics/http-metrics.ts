import { type HttpHookHost, routeOf } from '@kasho/logging';
import { LATENCY_BUCKETS_SECONDS, getOrCreateHistogram } from './metrics';

export const HTTP_REQUEST_DURATION_METRIC = 'kasho_http_request_duration_seconds';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Records `kasho_http_request_duration_seconds{method,route,status_code}` for every completed request. The route
 * is the matched pattern (`/v1/accounts/:id`) or `unmatched`, and odd methods count as `OTHER`: labels built from
 * raw URLs would grow without bound. Call on the root Fastify instance before the app listens.
 */
export function registerHttpMetrics(fastify: HttpHookHost): void {
  const duration = getOrCreateHistogram({
    name: HTTP_REQUEST_DURATION_METRIC,
    help: 'Time from receiving an HTTP request to finishing its response, in seconds.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: KNOWN_METHODS.has(request.method) ? request.method : 'OTHER',
        route: routeOf(request),
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
