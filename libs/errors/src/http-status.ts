import { ErrorCode } from './error-code';

/** The one mapping from a stable code to an HTTP status. Exhaustive: an unmapped code fails to compile. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.MalformedJson:
    case ErrorCode.IdempotencyKeyRequired:
    case ErrorCode.InvalidIdempotencyKey:
    case ErrorCode.OAuthInvalidRequest:
    case ErrorCode.OAuthInvalidScope:
    case ErrorCode.OAuthUnsupportedGrantType:
    case ErrorCode.OAuthUnauthorizedClient:
      return 400;
    case ErrorCode.Unauthorized:
    case ErrorCode.InvalidCredentials:
    case ErrorCode.InvalidMfaCode:
    case ErrorCode.OAuthInvalidClient:
      return 401;
    case ErrorCode.Forbidden:
    case ErrorCode.MfaRequired:
      return 403;
    case ErrorCode.NotFound:
    case ErrorCode.RouteNotFound:
      return 404;
    case ErrorCode.MethodNotAllowed:
      return 405;
    case ErrorCode.Conflict:
    case ErrorCode.RequestInProgress:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.ValidationFailed:
    case ErrorCode.InvalidAmount:
    case ErrorCode.InvalidCurrency:
    case ErrorCode.IdempotencyKeyReused:
    case ErrorCode.InvalidCode:
    case ErrorCode.InvalidToken:
    case ErrorCode.InsufficientFunds:
    case ErrorCode.CurrencyMismatch:
    case ErrorCode.AccountClosed:
    case ErrorCode.TransferRejected:
    case ErrorCode.AccountNotEmpty:
    case ErrorCode.AccountFrozen:
    case ErrorCode.BalanceNotZero:
    case ErrorCode.LimitExceeded:
      return 422;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.InternalError:
      return 500;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.UpstreamTimeout:
      return 504;
    default:
      return assertNever(code);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unmapped error code: ${String(value)}`);
}
