/** DI token of the gateway's `AccessTokenVerifier` (keys from the auth service's JWKS over RPC). */
export const ACCESS_TOKEN_VERIFIER = Symbol('ACCESS_TOKEN_VERIFIER');
