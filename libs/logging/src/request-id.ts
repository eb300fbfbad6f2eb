import { randomBytes } from 'node:crypto';

/** The header that carries the request id in both directions (Node lower-cases incoming header names). */
export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request id of an incoming request: the client's own `X-Request-Id` when it is 1–128 characters of
 * `[A-Za-z0-9._-]` (anything else could smuggle text into logs and headers), else a new UUID v7.
 */
export function resolveRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : uuidv7();
}

/** RFC 9562 UUID version 7: 48 bits of Unix milliseconds, then random bits, so ids sort by creation time. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
