import { DomainError, ErrorCode, PROBLEM_CONTENT_TYPE, toProblemDetails } from '@kasho/errors';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { allowedMethods, type RouteFinder } from './allowed-methods';
import { codeForHttpLayerError, HTTP_LAYER_DETAIL } from './http-error-codes';

/** An expected 5xx code is logged at most this often. */
export const EXPECTED_5XX_LOG_INTERVAL_MS = 5000;

interface ProblemReply {
  status(code: number): ProblemReply;
  header(name: string, value: string): ProblemReply;
  send(payload: string): unknown;
}

/**
 * The one place an error becomes an HTTP answer: RFC 9457 problem+json with a stable `code`. Domain errors (raised
 * here or carried back over RPC) keep their code; HTTP-layer errors get theirs; anything else is a 500 that says
 * nothing about its cause (the cause goes to the log, scrubbed).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');
  /** Per retryable code: when it was last logged, and how many were not logged since. */
  private readonly expected = new Map<ErrorCode, { at: number; suppressed: number }>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<{ url: string }>();
    const reply = http.getResponse<ProblemReply>();
    const path = request.url.split('?')[0] ?? '/';
    let error = this.toDomainError(exception);
    if (error instanceof DomainError && error.code === ErrorCode.RouteNotFound) {
      const allowed = allowedMethods(this.adapterHost.httpAdapter.getInstance<RouteFinder>(), path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        error = new DomainError(ErrorCode.MethodNotAllowed, HTTP_LAYER_DETAIL[ErrorCode.MethodNotAllowed]!);
      }
    }
    const problem = toProblemDetails(error, path);
    if (problem.status >= 500) this.log5xx(exception);
    reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  /**
   * An expected 5xx (a retryable DomainError: a dependency down, an upstream timeout) is one warning line without
   * a stack, at most once per code per few seconds with a count of the ones left out: during an outage every
   * request fails the same way, and the dependency's own outage log says why. Anything else is a bug: error, stack.
   */
  private log5xx(exception: unknown): void {
    if (!(exception instanceof DomainError && exception.retryable)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      return;
    }
    const now = Date.now();
    const last = this.expected.get(exception.code);
    if (last !== undefined && now - last.at < EXPECTED_5XX_LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    const more = last !== undefined && last.suppressed > 0 ? ` (${last.suppressed} more since the last)` : '';
    this.expected.set(exception.code, { at: now, suppressed: 0 });
    this.logger.warn(`${exception.code}: ${exception.detail}${more}`);
  }

  /** A DomainError to answer with, or the exception itself when it is unexpected (answered as a bare 500). */
  private toDomainError(exception: unknown): unknown {
    if (exception instanceof DomainError) return exception;
    const status = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);
    if (status === undefined || status >= 500) return exception;
    const code = codeForHttpLayerError(status, fastifyCodeOf(exception));
    return new DomainError(code, HTTP_LAYER_DETAIL[code] ?? 'The request could not be processed.');
  }
}

function statusOf(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function fastifyCodeOf(exception: unknown): string | undefined {
  const code = (exception as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
