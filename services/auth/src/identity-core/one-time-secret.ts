import { createHash, randomBytes } from 'node:crypto';

/** A fresh 256-bit secret for a bearer token (refresh, emailed, mfaToken), base64url without padding. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * How such tokens are stored and looked up: SHA-256 of the token text. They carry 256 random bits, so a fast hash
 * is enough (nothing to stretch), and a database leak yields no usable token.
 */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
