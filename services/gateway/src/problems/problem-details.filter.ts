import { DomainError, ErrorCode, PROBLEM_CONTENT_TYPE, toProblemDetails } from '@kasho/errors';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { allowedMethods, type RouteFinder } from './allowed-methods';
import { codeForHttpLayerError, HTTP_LAYER_DETAIL } from './http-error-codes';

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
    if (problem.status >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
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
