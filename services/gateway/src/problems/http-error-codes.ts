import { ErrorCode } from '@kasho/errors';

/**
 * Errors raised by the HTTP layer itself (router, body parser) rather than by a service, as stable codes.
 * Fastify names body problems with `FST_ERR_CTP_*` codes; Nest's router answers an unknown route with 404.
 */
export function codeForHttpLayerError(status: number, fastifyCode: string | undefined): ErrorCode {
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return ErrorCode.PayloadTooLarge;
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return ErrorCode.UnsupportedMediaType;
  if (fastifyCode?.startsWith('FST_ERR_CTP_')) return ErrorCode.MalformedJson;
  const byStatus: Record<number, ErrorCode> = {
    400: ErrorCode.MalformedJson,
    401: ErrorCode.Unauthorized,
    403: ErrorCode.Forbidden,
    404: ErrorCode.RouteNotFound,
    405: ErrorCode.MethodNotAllowed,
    413: ErrorCode.PayloadTooLarge,
    415: ErrorCode.UnsupportedMediaType,
    429: ErrorCode.RateLimited,
  };
  return byStatus[status] ?? ErrorCode.InternalError;
}

/** What the client is told for an HTTP-layer error; service errors carry their own detail. */
export const HTTP_LAYER_DETAIL: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.RouteNotFound]: 'No such route.',
  [ErrorCode.MethodNotAllowed]: 'This route does not accept that method.',
  [ErrorCode.PayloadTooLarge]: 'The request body is larger than 1 MiB.',
  [ErrorCode.UnsupportedMediaType]: 'Send the request body as application/json.',
  [ErrorCode.MalformedJson]: 'The request body is not valid JSON.',
  [ErrorCode.Unauthorized]: 'Authentication is required.',
  [ErrorCode.Forbidden]: 'You are not allowed to do this.',
  [ErrorCode.RateLimited]: 'Too many requests.',
};
