import { DomainError, ErrorCode } from '@kasho/errors';
import { errors, importJWK, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import { ACCESS_TOKEN_TYP, type AccessTokenClaims } from './access-token';
import {
  algorithmForJwk,
  isSigningAlgorithm,
  KID_PATTERN,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from './signing-keys';

/** Why a token was refused. For logs and tests only: the client sees one generic 401 whatever the reason. */
export type AccessTokenRejection =
  | 'malformed'
  | 'forbidden_header'
  | 'unexpected_header'
  | 'alg_not_allowed'
  | 'invalid_typ'
  | 'invalid_kid'
  | 'unknown_kid'
  | 'alg_mismatch'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'missing_claim'
  | 'invalid_claim';

const GENERIC_DETAIL = 'The access token is missing, invalid or expired.';

/** A refused access token: 401 `unauthorized` with a generic detail; `reason` stays on the server. */
export class AccessTokenError extends DomainError {
  constructor(readonly reason: AccessTokenRejection) {
    super(ErrorCode.Unauthorized, GENERIC_DETAIL);
  }
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string | string[];
  /** Accepted algorithms; only asymmetric ones exist here, so a key can never double as an HMAC secret. */
  algorithms?: SigningAlgorithm[];
  /** Fetches the auth service's JWKS. The only source of keys: nothing a token names is ever fetched. */
  jwks: () => Promise<unknown>;
  clockToleranceSeconds?: number;
  /** An unknown kid refreshes the JWKS at most once per this interval. */
  minRefreshIntervalMs?: number;
  /** The cached JWKS is fetched again after this long, so keys dropped by rotation stop verifying. */
  cacheMaxAgeMs?: number;
  /**
   * How many verified tokens to remember (byte-identical tokens only), so a client's next request with the same
   * token skips the signature check; 0 turns it off. Time claims are still checked on every use, and a JWKS
   * reload forgets them all. Default 10,000.
   */
  verifiedCacheSize?: number;
  /** Milliseconds since the epoch; for tests. */
  clock?: () => number;
}

export interface AccessTokenVerifier {
  /** The token's claims, or an `AccessTokenError` (401); a 503 DomainError when no JWKS could ever be loaded. */
  verify(token: string): Promise<AccessTokenClaims>;
}

interface VerificationKey {
  alg: SigningAlgorithm;
  key: KeyLike | Uint8Array;
}

/** Longest token considered at all; real ones are well under 1 KiB. */
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// Headers that let a token choose its own key or key URL, or demand processing we do not do.
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64'];
const ALLOWED_HEADERS = new Set(['alg', 'kid', 'typ']);
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'nbf', 'exp'];

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const algorithms = options.algorithms ?? [...SIGNING_ALGORITHMS];
  if (algorithms.length === 0 || !algorithms.every(isSigningAlgorithm)) {
    throw new TypeError('algorithms must be a non-empty subset of EdDSA, ES256');
  }
  if (!options.issuer) throw new TypeError('issuer is required');
  if (options.audience.length === 0) throw new TypeError('audience is required');
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
  const cacheMaxAgeMs = options.cacheMaxAgeMs ?? 600_000;
  const clock = options.clock ?? Date.now;

  const verifiedCacheSize = options.verifiedCacheSize ?? 10_000;
  // Insertion-ordered: when full, the oldest entry goes. Entries hold the key that verified them, so a token whose
  // key is no longer in the (reloaded) JWKS is verified again, and refused.
  const verified = new Map<string, { claims: AccessTokenClaims; key: VerificationKey; kid: string }>();

  let keys: Map<string, VerificationKey> | undefined;
  let loadedAt = -Infinity;
  let fetchedAt = -Infinity;
  let inFlight: Promise<void> | undefined;

  // One fetch at a time: every caller that needs fresh keys while one is running waits for that one.
  function refresh(): Promise<void> {
    if (!inFlight) {
      fetchedAt = clock();
      inFlight = (async () => {
        try {
          keys = await loadKeys(await options.jwks(), algorithms);
          loadedAt = clock();
        } finally {
          inFlight = undefined;
        }
      })();
    }
    return inFlight;
  }

  function refreshIfDue(): Promise<void> {
    if (inFlight) return inFlight.catch(ignore);
    if (clock() - fetchedAt < minRefreshIntervalMs) return Promise.resolve();
    // A failed fetch keeps the keys we had; the next attempt waits for the interval.
    return refresh().catch(ignore);
  }

  async function keyFor(kid: string): Promise<VerificationKey> {
    if (!keys || clock() - loadedAt >= cacheMaxAgeMs) await refreshIfDue();
    if (!keys) {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Token verification keys are unavailable.', {
        retryable: true,
      });
    }
    let key = keys.get(kid);
    if (!key) {
      await refreshIfDue();
      key = keys.get(kid);
    }
    if (!key) throw new AccessTokenError('unknown_kid');
    return key;
  }

  function remembered(token: string, now: number): AccessTokenClaims | undefined {
    const entry = verified.get(token);
    if (!entry) return undefined;
    const { claims, key, kid } = entry;
    const seconds = now / 1000;
    const current = keys !== undefined && clock() - loadedAt < cacheMaxAgeMs;
    if (!current || keys?.get(kid) !== key || claims.exp <= seconds - clockTolerance) {
      verified.delete(token);
      return undefined;
    }
    if (claims.nbf > seconds + clockTolerance) return undefined;
    return copyOf(claims);
  }

  function remember(token: string, claims: AccessTokenClaims, key: VerificationKey, kid: string): void {
    if (verifiedCacheSize <= 0) return;
    if (verified.size >= verifiedCacheSize) verified.delete(verified.keys().next().value as string);
    verified.set(token, { claims: copyOf(claims), key, kid });
  }

  return {
    async verify(token: string): Promise<AccessTokenClaims> {
      if (typeof token === 'string') {
        const hit = remembered(token, clock());
        if (hit) return hit;
      }
      const header = checkHeader(token, algorithms);
      const key = await keyFor(header.kid);
      if (key.alg !== header.alg) throw new AccessTokenError('alg_mismatch');
      const now = clock();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key.key, {
          algorithms: [key.alg],
          issuer: options.issuer,
          audience: options.audience,
          typ: ACCESS_TOKEN_TYP,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance,
          currentDate: new Date(now),
        }));
      } catch (error) {
        throw new AccessTokenError(rejectionFor(error));
      }
      const claims = claimsFrom(payload, Math.floor(now / 1000) + clockTolerance);
      remember(token, claims, key, header.kid);
      return claims;
    },
  };
}

/** A caller may change what it is given; the remembered claims must stay as verified. */
function copyOf(claims: AccessTokenClaims): AccessTokenClaims {
  return {
    ...claims,
    aud: Array.isArray(claims.aud) ? [...claims.aud] : claims.aud,
    roles: [...claims.roles],
    scopes: [...claims.scopes],
    ...(claims.amr ? { amr: [...claims.amr] } : {}),
  };
}

/** Everything that can be refused before any key is looked up or any signature checked. */
function checkHeader(token: unknown, algorithms: SigningAlgorithm[]): { alg: SigningAlgorithm; kid: string } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new AccessTokenError('malformed');
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
  } catch {
    throw new AccessTokenError('malformed');
  }
  if (!isRecord(header)) throw new AccessTokenError('malformed');
  if (FORBIDDEN_HEADERS.some((name) => Object.hasOwn(header, name)))
    throw new AccessTokenError('forbidden_header');
  const { alg, typ, kid } = header;
  // Exact, case-sensitive match against the allow-list: "none", "NoNe" and "HS256" all end here.
  if (typeof alg !== 'string' || !(algorithms as string[]).includes(alg)) {
    throw new AccessTokenError('alg_not_allowed');
  }
  if (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== ACCESS_TOKEN_TYP) {
    throw new AccessTokenError('invalid_typ');
  }
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw new AccessTokenError('invalid_kid');
  if (Object.keys(header).some((name) => !ALLOWED_HEADERS.has(name)))
    throw new AccessTokenError('unexpected_header');
  return { alg: alg as SigningAlgorithm, kid };
}

/** Imports only well-formed public signing keys we accept; anything else in the document is skipped. */
async function loadKeys(
  document: unknown,
  algorithms: SigningAlgorithm[],
): Promise<Map<string, VerificationKey>> {
  if (!isRecord(document) || !Array.isArray(document.keys))
    throw new Error('JWKS document has no keys array');
  const seen = new Map<string, number>();
  const candidates: { kid: string; alg: SigningAlgorithm; jwk: Record<string, unknown> }[] = [];
  for (const jwk of document.keys as unknown[]) {
    if (!isRecord(jwk) || typeof jwk.kid !== 'string' || !KID_PATTERN.test(jwk.kid)) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const alg = algorithmForJwk(jwk);
    if (!alg || !algorithms.includes(alg) || (jwk.alg !== undefined && jwk.alg !== alg)) continue;
    seen.set(jwk.kid, (seen.get(jwk.kid) ?? 0) + 1);
    candidates.push({ kid: jwk.kid, alg, jwk });
  }
  const imported = await Promise.all(
    candidates
      // A kid that names two keys is ambiguous: trust neither.
      .filter(({ kid }) => seen.get(kid) === 1)
      .map(async ({ kid, alg, jwk }) => {
        // Public members only: a private `d` in a JWKS must not turn into a private key here.
        const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.kty === 'EC' ? { y: jwk.y } : {}) };
        try {
          return [
            kid,
            { alg, key: await importJWK(publicJwk as Parameters<typeof importJWK>[0], alg) },
          ] as const;
        } catch {
          return undefined;
        }
      }),
  );
  return new Map(imported.filter((entry) => entry !== undefined));
}

function rejectionFor(error: unknown): AccessTokenRejection {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'missing_claim';
    switch (error.claim) {
      case 'iss':
        return 'invalid_issuer';
      case 'aud':
        return 'invalid_audience';
      case 'nbf':
        return 'not_yet_valid';
      case 'typ':
        return 'invalid_typ';
      default:
        return 'invalid_claim';
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
  if (error instanceof errors.JOSEError) return 'malformed';
  throw error;
}

function claimsFrom(payload: JWTPayload, latestIat: number): AccessTokenClaims {
  const { iss, aud, sub, jti, iat, nbf, exp, sid, roles, scope, amr, client_id: clientId } = payload;
  if (!isNonEmpty(sub) || !isNonEmpty(sid) || !isNonEmpty(jti)) throw new AccessTokenError('missing_claim');
  if (!isNonEmpty(iss) || aud === undefined || typeof iat !== 'number' || typeof nbf !== 'number') {
    throw new AccessTokenError('missing_claim');
  }
  if (typeof exp !== 'number') throw new AccessTokenError('missing_claim');
  if (iat > latestIat) throw new AccessTokenError('issued_in_future');
  if (!Array.isArray(roles) || !roles.every(isNonEmpty)) throw new AccessTokenError('invalid_claim');
  if (typeof scope !== 'string') throw new AccessTokenError('invalid_claim');
  if (amr !== undefined && (!Array.isArray(amr) || !amr.every(isNonEmpty)))
    throw new AccessTokenError('invalid_claim');
  if (clientId !== undefined && !isNonEmpty(clientId)) throw new AccessTokenError('invalid_claim');
  return {
    iss,
    aud,
    sub,
    sid,
    jti,
    iat,
    nbf,
    exp,
    roles: [...roles],
    scopes: scope.split(' ').filter((token) => token.length > 0),
    ...(amr !== undefined ? { amr: [...amr] } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
  };
}

function isNonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ignore(): void {}
