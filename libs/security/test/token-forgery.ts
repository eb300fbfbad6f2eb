import { createHmac, createPrivateKey, sign as nodeSign, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';

// Builds tokens by hand, so the refusal tests do not depend on jose refusing to sign something.

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function unsigned(header: Record<string, unknown>, payload: Record<string, unknown> | string): string {
  return `${b64url(header)}.${b64url(payload)}`;
}

/** HS256 over header.payload with any bytes as the secret (e.g. the verifier's public key). */
export function hmacToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string,
): string {
  const input = unsigned(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Signs header.payload (a string payload is taken as raw bytes, not JSON) with a private JWK (Ed25519 or P-256) using node:crypto directly. */
export function signedToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  privateJwk: JWK,
): string {
  const input = unsigned(header, payload);
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  const signature =
    privateJwk.kty === 'OKP'
      ? nodeSign(null, Buffer.from(input), key)
      : nodeSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
