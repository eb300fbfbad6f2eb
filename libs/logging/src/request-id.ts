import { uuidv7 } from './uuidv7';

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
