import { DomainError, ErrorCode, toProblemDetails } from '@kasho/errors';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';

interface OAuthReply {
  status(code: number): OAuthReply;
  header(name: string, value: string): OAuthReply;
  send(payload: string): unknown;
}

const OAUTH_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.OAuthInvalidRequest,
  ErrorCode.OAuthInvalidClient,
  ErrorCode.OAuthInvalidScope,
  ErrorCode.OAuthUnsupportedGrantType,
  ErrorCode.OAuthUnauthorizedClient,
]);

export const BASIC_CHALLENGE = 'Basic realm="kasho"';

/**
 * The token endpoint answers errors the RFC 6749 way (section 5.2), not as problem+json: `{error,
 * error_description}` as JSON, never cached. `invalid_client` is 401 with a Basic challenge (the scheme a client
 * may authenticate with). Failures of our own become `temporarily_unavailable` (503, 504) or `server_error`.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<OAuthReply>();
    const { status, error, description } = this.describe(exception);
    reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache');
    if (status === 401) reply.header('www-authenticate', BASIC_CHALLENGE);
    reply.send(JSON.stringify({ error, error_description: description }));
  }

  private describe(exception: unknown): { status: number; error: string; description: string } {
    const problem = toProblemDetails(exception);
    if (exception instanceof DomainError && OAUTH_CODES.has(exception.code))
      return { status: problem.status, error: exception.code, description: exception.detail };
    if (problem.status === 503 || problem.status === 504)
      return { status: problem.status, error: 'temporarily_unavailable', description: problem.detail };
    if (problem.status >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      return { status: 500, error: 'server_error', description: 'An unexpected error occurred.' };
    }
    if (problem.status === 429) return { status: 429, error: 'invalid_request', description: problem.detail };
    return { status: 400, error: ErrorCode.OAuthInvalidRequest, description: problem.detail };
  }
}
