/** DI token of the gateway's `AccessTokenVerifier` (keys from the auth service's JWKS over RPC). */
export const ACCESS_TOKEN_VERIFIER = Symbol('ACCESS_TOKEN_VERIFIER');

/** DI token of the gateway's own Redis connection to the session revocation list (shared key prefix). */
export const SESSION_REVOCATION_REDIS = Symbol('SESSION_REVOCATION_REDIS');

/** DI token of `GatewayAuthOptions`. */
export const GATEWAY_AUTH_OPTIONS = Symbol('GATEWAY_AUTH_OPTIONS');

export interface GatewayAuthOptions {
  issuer: string;
  audience: string;
  /** The session revocation list: Redis URL and the key prefix the auth service writes under. */
  redisUrl: string;
  revocationKeyPrefix: string;
  /** Read the client address from `X-Forwarded-For` (see the edge's `clientIp`). */
  trustProxy: boolean;
}
