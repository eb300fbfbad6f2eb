import { DomainError, ErrorCode } from '@kasho/errors';

/**
 * The one answer to every failed client authentication (unknown client, wrong secret, disabled, throttled): the
 * caller cannot tell them apart. The gateway renders it as RFC 6749 `{"error": "invalid_client", ...}` with 401.
 */
export function invalidClient(): DomainError {
  return new DomainError(ErrorCode.OAuthInvalidClient, 'Client authentication failed.');
}

export function invalidScope(): DomainError {
  return new DomainError(
    ErrorCode.OAuthInvalidScope,
    'The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client.',
  );
}

export function unsupportedGrantType(): DomainError {
  return new DomainError(
    ErrorCode.OAuthUnsupportedGrantType,
    'Only the client_credentials grant type is supported.',
  );
}

export function invalidRequest(detail: string): DomainError {
  return new DomainError(ErrorCode.OAuthInvalidRequest, detail);
}
