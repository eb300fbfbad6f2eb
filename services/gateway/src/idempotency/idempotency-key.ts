import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '@kasho/errors';

/** API.md: 1 to 255 printable ASCII characters (space to tilde). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The request's `Idempotency-Key`, checked: undefined when absent (the caller decides whether that is allowed),
 * 400 `invalid_idempotency_key` when it is empty, too long, not printable ASCII or sent twice.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header))
    throw new DomainError(
      ErrorCode.InvalidIdempotencyKey,
      'Idempotency-Key must be one header of 1 to 255 printable ASCII characters.',
    );
  return header;
}

/**
 * What makes two requests "the same request": method, path and query, and the body in canonical JSON (object keys
 * sorted at every depth, so a client re-serialising its body in another key order is not refused).
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return sha256(`${method.toUpperCase()}\n${url}\n${canonicalJson(body ?? null)}`);
}

/** The Redis key of a caller's Idempotency-Key: hashed, so neither the caller's id nor the key appears in Redis. */
export function idempotencyRecordKey(scope: string, key: string): string {
  return `idempotency:${sha256(`${scope}\n${key}`)}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
