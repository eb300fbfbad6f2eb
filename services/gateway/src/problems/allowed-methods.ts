const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The slice of a Fastify instance that can look a concrete URL up in the router, as requests are matched. */
export interface RouteFinder {
  findRoute(route: { method: string; url: string }): unknown;
}

/**
 * The methods the router serves at `path`: non-empty when a request reached no route only because of its method,
 * which API.md answers with 405 and an `Allow` header rather than 404.
 */
export function allowedMethods(router: RouteFinder, path: string): string[] {
  return METHODS.filter((method) => router.findRoute({ method, url: path }) !== null);
}
