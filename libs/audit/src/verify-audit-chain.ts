import type { DataSource, EntityManager } from 'typeorm';
import { type AuditLogRecord } from './audit-entry';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-hash';

export interface VerifyAuditChainOptions {
  /** Rows read per query; 1000 by default. */
  batchSize?: number;
}

/**
 * Why a link is broken: `sequence-gap` (an entry is missing: deleted, or the first is not 1), `prev-hash-mismatch`
 * (the entry does not point at the one before: that one was rewritten with a fresh hash, or removed),
 * `hash-mismatch` (the entry's content no longer matches its hash: it was altered).
 */
export type AuditChainBreak = 'sequence-gap' | 'prev-hash-mismatch' | 'hash-mismatch';

export type AuditChainVerification =
  | {
      ok: true;
      /** Entries checked. */
      entries: number;
      /** The last entry (undefined for an empty log): record it elsewhere to detect a later truncation. */
      head?: { sequence: string; hash: string };
    }
  | {
      ok: false;
      /** The sequence of the first broken link (for a gap, the first missing sequence). */
      brokenAt: string;
      reason: AuditChainBreak;
      message: string;
      /** Entries before the break, all intact. */
      entries: number;
    };

interface AuditLogRow extends Omit<AuditLogRecord, 'occurredAt'> {
  occurredAt: Date;
}

const BATCH =
  'SELECT "sequence", "id", "occurred_at" AS "occurredAt", "actor_type" AS "actorType", "actor_id" AS "actorId", ' +
  '"action", "subject_type" AS "subjectType", "subject_id" AS "subjectId", "outcome", host("ip") AS "ip", ' +
  '"request_id" AS "requestId", "correlation_id" AS "correlationId", "details", "prev_hash" AS "prevHash", "hash" ' +
  'FROM "audit_log" WHERE "sequence" > $1 ORDER BY "sequence" LIMIT $2';

/**
 * Walks the whole chain in sequence order, a batch at a time (memory stays flat however long the log is), and
 * returns the first broken link. What it cannot see: entries removed from the end, unless the head it returned
 * earlier was kept elsewhere and is compared with today's.
 */
export async function verifyAuditChain(
  source: DataSource | EntityManager,
  options: VerifyAuditChainOptions = {},
): Promise<AuditChainVerification> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError('batchSize must be a positive integer');
  let expected = 1n;
  let prevHash = AUDIT_GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const rows = await source.query<AuditLogRow[]>(BATCH, [(expected - 1n).toString(), batchSize]);
    for (const row of rows) {
      const sequence = BigInt(row.sequence);
      if (sequence !== expected) {
        return {
          ok: false,
          brokenAt: expected.toString(),
          reason: 'sequence-gap',
          message: `entry ${expected} is missing: the next entry is ${row.sequence}`,
          entries,
        };
      }
      if (!row.prevHash.equals(prevHash)) {
        return {
          ok: false,
          brokenAt: row.sequence,
          reason: 'prev-hash-mismatch',
          message: `entry ${row.sequence} does not link to the hash of entry ${expected - 1n}`,
          entries,
        };
      }
      if (!auditEntryHash(row).equals(row.hash)) {
        return {
          ok: false,
          brokenAt: row.sequence,
          reason: 'hash-mismatch',
          message: `entry ${row.sequence} does not match its hash: its content was altered`,
          entries,
        };
      }
      prevHash = row.hash;
      expected += 1n;
      entries += 1;
    }
    if (rows.length < batchSize) break;
  }
  return entries === 0
    ? { ok: true, entries }
    : { ok: true, entries, head: { sequence: (expected - 1n).toString(), hash: prevHash.toString('hex') } };
}
