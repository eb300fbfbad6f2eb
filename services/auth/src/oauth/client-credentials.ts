import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32 } from '../mfa';

/**
 * Client ids, client secrets and how a secret is stored.
 *
 * A secret is 256 bits from the CSPRNG (base64url, 43 characters), shown once. It is stored as
 * `sha256$<salt>$<digest>`, the digest being SHA-256 over a per-client 128-bit salt and the secret. A slow password
 * hash (argon2id) exists to make guessing a *low-entropy* human password expensive; a 256-bit random secret cannot
 * be guessed at any hashing speed, so a fast hash loses nothing and keeps the token endpoint cheap (RFC 6749 10.3,
 * OWASP: "a strong random secret needs only a fast hash"). The salt keeps two clients' digests unrelated; the
 * comparison is constant-time. The `sha256$` prefix leaves room to change the scheme without a migration.
 */

export const CLIENT_SECRET_BYTES = 32;
const SALT_BYTES = 16;
const SCHEME = 'sha256';

/** `kc_` and 20 base32 characters (100 random bits): readable in a log, unguessable, safe in a URL. */
export const CLIENT_ID_PATTERN = /^kc_[a-z2-7]{20}$/;

export function generateClientId(): string {
  return `kc_${encodeBase32(randomBytes(13)).slice(0, 20).toLowerCase()}`;
}

export function generateClientSecret(): string {
  return randomBytes(CLIENT_SECRET_BYTES).toString('base64url');
}

function digest(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

export function hashClientSecret(secret: string): string {
  const salt = randomBytes(SALT_BYTES);
  return `${SCHEME}$${salt.toString('base64url')}$${digest(salt, secret).toString('base64url')}`;
}

/**
 * True when `secret` matches `stored`. Always hashes and compares the same amount of data, so the time taken says
 * nothing about how close a guess was; a malformed `stored` value never matches.
 */
export function verifyClientSecret(secret: string, stored: string): boolean {
  const [scheme, saltText, digestText] = stored.split('$');
  const salt = Buffer.from(saltText ?? '', 'base64url');
  const expected = Buffer.from(digestText ?? '', 'base64url');
  const actual = digest(salt, secret);
  const wellFormed = scheme === SCHEME && salt.length === SALT_BYTES && expected.length === actual.length;
  // Compare even when malformed (against itself), so both paths cost the same.
  const same = timingSafeEqual(actual, wellFormed ? expected : actual);
  return wellFormed && same;
}

/**
 * Compared against when the client id is unknown, so an unknown client costs the same hash and comparison as a
 * wrong secret. It matches no secret anyone can send (its own secret was never kept).
 */
export const DUMMY_SECRET_HASH = hashClientSecret(generateClientSecret());
