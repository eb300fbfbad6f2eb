import { createHash } from 'node:crypto';
import { type AuditLogRecord } from './audit-entry';

/** Bumped if the canonical form ever changes; entries hashed under an older version keep verifying under it. */
export const AUDIT_HASH_VERSION = 'kasho.audit.v1';

/** The `prev_hash` of the first entry. */
export const AUDIT_GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The fields that are hashed: everything stored except the hash itself. */
export type AuditHashedFields = Omit<AuditLogRecord, 'hash'>;

function serialize(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${serialize(record[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth and no whitespace. The value first takes a
 * JSON round trip, so it means exactly what was stored as jsonb (Dates become strings, undefined members vanish),
 * and jsonb's own key order (by length, then bytes) cannot change the result.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return serialize(JSON.parse(json));
}

/**
 * The exact text that is hashed: a JSON array with a fixed field order, so no field can be confused with its
 * neighbour. It names the sequence and the previous hash, chaining each entry to the one before.
 */
export function canonicalAuditForm(entry: AuditHashedFields): string {
  return canonicalJson([
    AUDIT_HASH_VERSION,
    entry.sequence,
    entry.id,
    entry.occurredAt.toISOString(),
    entry.actorType,
    entry.actorId,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    entry.outcome,
    entry.ip,
    entry.requestId,
    entry.correlationId,
    entry.details,
    entry.prevHash.toString('hex'),
  ]);
}

/** SHA-256 of `canonicalAuditForm(entry)`. */
export function auditEntryHash(entry: AuditHashedFields): Buffer {
  return createHash('sha256').update(canonicalAuditForm(entry), 'utf8').digest();
}
