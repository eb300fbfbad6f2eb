import { defineRpc } from './rpc';

/**
 * The public half of one access-token signing key, as a JWKS lists it. Declared here rather than imported from
 * @kasho/security so contracts stay free of logic and dependencies; the security library's `PublicSigningJwk`
 * has the same shape.
 */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
  kid: string;
  alg: 'EdDSA' | 'ES256';
  use: 'sig';
}

/** A JSON Web Key Set (RFC 7517): the auth service's current and previous public signing keys. */
export interface JwksDocument {
  keys: PublicJwk[];
}

export type AuthJwksRequest = Record<string, never>;

/** The auth service's public signing keys; the gateway serves them at `/.well-known/jwks.json` and verifies with them. */
export const authJwksRpc = defineRpc<AuthJwksRequest, JwksDocument>('auth', 'keys.jwks');
