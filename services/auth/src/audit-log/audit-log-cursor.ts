/**
 * The opaque `cursor` of the audit-log list: base64url of the last returned entry's sequence (a decimal bigint).
 * The next page holds the entries below it, so a cursor stays valid however many entries are appended meanwhile.
 */
export function encodeAuditCursor(sequence: string): string {
  return Buffer.from(sequence, 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SEQUENCE = /^[1-9][0-9]{0,18}$/;
const MAX_SEQUENCE = 2n ** 63n - 1n;

/** The sequence a cursor names, or undefined when it is not one this service issued (any other text). */
export function decodeAuditCursor(cursor: string): string | undefined {
  if (cursor.length === 0 || cursor.length > 32 || !BASE64URL.test(cursor)) return undefined;
  const sequence = Buffer.from(cursor, 'base64url').toString('utf8');
  // Round-trip: base64url decoding ignores stray bits, so only the canonical spelling of a sequence is accepted.
  if (!SEQUENCE.test(sequence) || encodeAuditCursor(sequence) !== cursor) return undefined;
  return BigInt(sequence) <= MAX_SEQUENCE ? sequence : undefined;
}
