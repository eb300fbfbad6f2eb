/**
 * Every stable machine-readable error code of the platform. Clients switch on these, so a code never changes
 * meaning; adding one forces a decision in `httpStatusFor` (the switch there is exhaustive).
 */
export enum ErrorCode {
  // Request shape and protocol
  ValidationFailed = 'validation_failed',
  InvalidAmount = 'invalid_amount',
  InvalidCurrency = 'invalid_currency',
  MalformedJson = 'malformed_json',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  // Identity and access
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  RateLimited = 'rate_limited',
  /** Login: wrong password, unknown email and locked account alike (401). Password change: 422 (status override). */
  InvalidCredentials = 'invalid_credentials',
  /** The second login step got a wrong TOTP or recovery code. */
  InvalidMfaCode = 'invalid_mfa_code',
  /** Enabling or disabling MFA got a wrong code. */
  InvalidCode = 'invalid_code',
  /** A one-time emailed token (email verification, password reset) is unknown, used or expired. */
  InvalidToken = 'invalid_token',
  /** A staff route was called by a session that did not pass MFA. */
  MfaRequired = 'mfa_required',
  // OAuth 2.0 token endpoint (RFC 6749 section 5.2); the gateway renders these as `{error, error_description}`.
  OAuthInvalidRequest = 'invalid_request',
  OAuthInvalidClient = 'invalid_client',
  OAuthInvalidScope = 'invalid_scope',
  OAuthUnsupportedGrantType = 'unsupported_grant_type',
  OAuthUnauthorizedClient = 'unauthorized_client',
  // Money
  InsufficientFunds = 'insufficient_funds',
  CurrencyMismatch = 'currency_mismatch',
  AccountClosed = 'account_closed',
  /** The ledger refused a transfer for another reason; the detail names the ledger's result code. */
  TransferRejected = 'transfer_rejected',
  /** A wallet can be closed only at zero balance (nothing posted, nothing held). */
  AccountNotEmpty = 'account_not_empty',
  /** A frozen wallet receives but does not send. */
  AccountFrozen = 'account_frozen',
  /** A customer holding money cannot be erased: the balance must be paid out first. */
  BalanceNotZero = 'balance_not_zero',
  /** A payment beyond the customer's tier limits (single payment, daily or monthly outgoing, payouts). */
  LimitExceeded = 'limit_exceeded',
  // Resources and state
  NotFound = 'not_found',
  Conflict = 'conflict',
  // Idempotency
  IdempotencyKeyRequired = 'idempotency_key_required',
  InvalidIdempotencyKey = 'invalid_idempotency_key',
  IdempotencyKeyReused = 'idempotency_key_reused',
  RequestInProgress = 'request_in_progress',
  // Infrastructure
  UpstreamTimeout = 'upstream_timeout',
  ServiceUnavailable = 'service_unavailable',
  InternalError = 'internal_error',
}

const knownCodes = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}
