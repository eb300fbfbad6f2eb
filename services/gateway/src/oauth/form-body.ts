import { FORM_CONTENT_TYPE } from './token-request';

/** The only routes that take a form body; every other route takes JSON, so a form there is 415. */
export const FORM_ROUTES: ReadonlySet<string> = new Set(['/v1/oauth/token']);

interface FormRequest {
  routeOptions: { url?: string | undefined };
}

interface ParserFastify {
  hasContentTypeParser(contentType: string): boolean;
  removeContentTypeParser(contentType: string): unknown;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'string' },
    parser: (request: FormRequest, body: string, done: (error: Error | null, body?: unknown) => void) => void,
  ): unknown;
}

class UnsupportedFormError extends Error {
  readonly statusCode = 415;
  // Fastify's own code for an unsupported media type, which the problem filter maps to unsupported_media_type.
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
}

/**
 * Replaces the form parser Nest's Fastify adapter registers for every route: forms reach only `FORM_ROUTES`, bounded
 * by the server's body limit (1 MiB, 413 beyond), parsed into single values, or arrays when a name repeats (which the
 * token endpoint refuses). Must run before the server is ready and after Nest registered its parsers.
 */
export function registerFormBodyParser(fastify: ParserFastify): void {
  if (fastify.hasContentTypeParser(FORM_CONTENT_TYPE)) fastify.removeContentTypeParser(FORM_CONTENT_TYPE);
  fastify.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string' }, (request, body, done) => {
    if (!FORM_ROUTES.has(request.routeOptions.url ?? '')) {
      done(new UnsupportedFormError('Send the request body as application/json.'));
      return;
    }
    const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [name, value] of new URLSearchParams(body)) {
      const seen = form[name];
      form[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    done(null, form);
  });
}
