import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT, type KeyLike } from 'jose';
import type { KeySet, SigningKey } from './signing-keys';

/** RFC 9068 `typ` for JWT access tokens; a verifier refuses any other, so an ID token or other JWT cannot pass. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 600;

/** Who the token speaks for and what it may do. */
export interface AccessTokenSubject {
  sub: string;
  /** The session the token belongs to: revoking it revokes the token at once. */
  sid: string;
  roles: string[];
  scopes: string[];
  /**
   * How the session's user authenticated (RFC 8176 values: `pwd`, `otp`, `mfa`); staff routes need `mfa`.
   * Absent on client-credentials tokens, which have no user.
   */
  amr?: string[];
  /** The OAuth 2.0 client the token was issued to (RFC 9068 `client_id`), on client-credentials tokens. */
  clientId?: string;
}

/** What a verified access token says. Times are seconds since the epoch. */
export interface AccessTokenClaims extends AccessTokenSubject {
  iss: string;
  aud: string | string[];
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
}

export interface SignAccessTokenOptions {
  issuer: string;
  audience: string | string[];
  ttlSeconds?: number;
  now?: Date;
}

// RFC 6749 scope-token: printable ASCII without space, `"` or `\`. Roles follow the same rule so both are safe
// to join, log and compare.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const importedKeys = new WeakMap<SigningKey, Promise<KeyLike | Uint8Array>>();

function signingKeyFor(key: SigningKey): Promise<KeyLike | Uint8Array> {
  let imported = importedKeys.get(key);
  if (!imported) {
    imported = importJWK(key.privateJwk, key.alg);
    importedKeys.set(key, imported);
  }
  return imported;
}

/**
 * Signs an access token with the keyset's current key: header `{alg, kid, typ: "at+jwt"}`, claims `iss, aud, sub,
 * sid, jti, iat, nbf, exp, roles`, `scope` (space-separated, RFC 9068) and, when given, `amr` and `client_id`.
 */
export async function signAccessToken(
  keyset: KeySet,
  subject: AccessTokenSubject,
  options: SignAccessTokenOptions,
): Promise<string> {
  const { sub, sid, roles, scopes, amr, clientId } = subject;
  const ttl = options.ttlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError('ttlSeconds must be a positive integer');
  if (!isNonEmpty(sub) || !isNonEmpty(sid)) throw new TypeError('sub and sid must be non-empty strings');
  if (!isNonEmpty(options.issuer)) throw new TypeError('issuer must be a non-empty string');
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (audiences.length === 0 || !audiences.every(isNonEmpty))
    throw new TypeError('audience must be non-empty');
  if (!roles.every((role) => SCOPE_TOKEN.test(role)))
    throw new TypeError('a role holds a forbidden character');
  if (!scopes.every((scope) => SCOPE_TOKEN.test(scope)))
    throw new TypeError('a scope holds a forbidden character');
  if (amr !== undefined && !amr.every((method) => SCOPE_TOKEN.test(method)))
    throw new TypeError('an amr value holds a forbidden character');
  if (clientId !== undefined && !isNonEmpty(clientId)) throw new TypeError('clientId must be non-empty');

  const key = keyset.current;
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    sid,
    roles: [...roles],
    scope: scopes.join(' '),
    ...(amr ? { amr: [...amr] } : {}),
    ...(clientId ? { client_id: clientId } : {}),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(sub)
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ttl)
    .sign(await signingKeyFor(key));
}

function isNonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
