import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, type AuditEntryInput, type AuditLogRecord } from './audit-entry';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-hash';

/** A caller passed an entry the log refuses to store (nothing was written). */
export class InvalidAuditEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditEntryError';
  }
}

/**
 * A REPEATABLE READ or SERIALIZABLE transaction read the chain's head from a snapshot older than another append:
 * the whole transaction must run again. It carries SQLSTATE 40001 (serialization_failure), so `withTransaction`
 * from @kasho/database retries it like any other serialization failure.
 */
export class AuditChainContentionError extends Error {
  readonly code = '40001';
  constructor(cause: unknown) {
    super(
      'Another transaction appended to the audit log after this transaction took its snapshot; retry it',
      {
        cause,
      },
    );
    this.name = 'AuditChainContentionError';
  }
}

// One lock per database: every append of the service takes turns from the moment it appends until its transaction
// ends. The sequence is the last committed one + 1 read under that lock, so a rolled-back append leaves no gap.
const LOCK_AND_NORMALIZE_IP =
  "SELECT pg_advisory_xact_lock(hashtext('kasho.audit_log')), host($1::inet) AS ip";
const HEAD = 'SELECT "sequence", "hash" FROM "audit_log" ORDER BY "sequence" DESC LIMIT 1';
const INSERT =
  'INSERT INTO "audit_log" ("sequence", "id", "occurred_at", "actor_type", "actor_id", "action", "subject_type", ' +
  '"subject_id", "outcome", "ip", "request_id", "correlation_id", "details", "prev_hash", "hash") ' +
  'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15)';

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const MAX_ACTION_LENGTH = 128;
const MAX_ID_LENGTH = 256;
const MAX_DETAILS_BYTES = 16 * 1024;
// A net, not a guarantee: keys that name a secret are refused outright; callers remain responsible for values.
const SECRET_KEY =
  /(password|passwd|passcode|secret|private_?key|api_?key|access_?token|refresh_?token|id_?token|^token$|^otp$|^totp$|^pin$|^cvv$|^cvc$|card_?number|^pan$)/i;

function secretKeyIn(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, member] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!Array.isArray(value) && SECRET_KEY.test(key)) return here;
    const nested = secretKeyIn(member, here);
    if (nested) return nested;
  }
  return undefined;
}

function optionalText(name: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new InvalidAuditEntryError(
      `${name} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
    );
  }
  return value;
}

interface ValidatedEntry {
  actorType: AuditLogRecord['actorType'];
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  outcome: AuditLogRecord['outcome'];
  ip: string | null;
  requestId: string | null;
  correlationId: string | null;
  detailsJson: string;
  occurredAt: Date;
}

/** Checks an entry before anything touches the database. Exported for callers' unit tests. */
export function validateAuditEntry(entry: AuditEntryInput): ValidatedEntry {
  if (!AUDIT_ACTOR_TYPES.includes(entry.actorType)) {
    throw new InvalidAuditEntryError(`actorType must be one of ${AUDIT_ACTOR_TYPES.join(', ')}`);
  }
  if (!AUDIT_OUTCOMES.includes(entry.outcome)) {
    throw new InvalidAuditEntryError(`outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
  }
  if (
    typeof entry.action !== 'string' ||
    entry.action.length > MAX_ACTION_LENGTH ||
    !ACTION.test(entry.action)
  ) {
    throw new InvalidAuditEntryError(
      `action must be dotted lower-case words such as auth.login.failed (at most ${MAX_ACTION_LENGTH} characters)`,
    );
  }
  const ip = entry.ip ?? null;
  if (ip !== null && (typeof ip !== 'string' || isIP(ip) === 0)) {
    throw new InvalidAuditEntryError('ip must be an IPv4 or IPv6 address');
  }
  const details = entry.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new InvalidAuditEntryError('details must be a JSON object');
  }
  const secret = secretKeyIn(details, 'details');
  if (secret)
    throw new InvalidAuditEntryError(`${secret} looks like a secret; the audit log must never hold one`);
  const detailsJson = JSON.stringify(details);
  if (Buffer.byteLength(detailsJson) > MAX_DETAILS_BYTES) {
    throw new InvalidAuditEntryError(`details must be at most ${MAX_DETAILS_BYTES} bytes of JSON`);
  }
  const occurredAt = entry.occurredAt ?? new Date();
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) {
    throw new InvalidAuditEntryError('occurredAt must be a valid Date');
  }
  return {
    actorType: entry.actorType,
    actorId: optionalText('actorId', entry.actorId),
    action: entry.action,
    subjectType: optionalText('subjectType', entry.subjectType),
    subjectId: optionalText('subjectId', entry.subjectId),
    outcome: entry.outcome,
    ip,
    requestId: optionalText('requestId', entry.requestId),
    correlationId: optionalText('correlationId', entry.correlationId),
    detailsJson,
    occurredAt,
  };
}

function sqlState(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  return code ?? driverError?.code;
}

/**
 * Appends entries to the service's `audit_log`, one hash-linked chain per database. Stateless: one instance per
 * service (or a Nest provider) is enough.
 */
export class AuditLog {
  /**
   * Appends `entry` inside the caller's transaction, so it commits or rolls back with the change it records.
   * From here until that transaction ends every other append in the database waits: append as the last write
   * before commit. Under REPEATABLE READ or SERIALIZABLE a concurrent append raises a retryable
   * `AuditChainContentionError` (run the transaction through `withTransaction`).
   */
  async append(manager: EntityManager, entry: AuditEntryInput): Promise<AuditLogRecord> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(
        'AuditLog.append must run inside the transaction of the change it records: pass that EntityManager',
      );
    }
    const valid = validateAuditEntry(entry);
    const [{ ip }] = await manager.query<Array<{ ip: string | null }>>(LOCK_AND_NORMALIZE_IP, [valid.ip]);
    // Read after the lock was granted: under READ COMMITTED this statement's snapshot sees the previous append.
    const [head] = await manager.query<Array<{ sequence: string; hash: Buffer }>>(HEAD);
    const record: AuditLogRecord = {
      sequence: head ? (BigInt(head.sequence) + 1n).toString() : '1',
      id: randomUUID(),
      occurredAt: new Date(valid.occurredAt.getTime()),
      actorType: valid.actorType,
      actorId: valid.actorId,
      action: valid.action,
      subjectType: valid.subjectType,
      subjectId: valid.subjectId,
      outcome: valid.outcome,
      // As PostgreSQL prints it back (`2001:DB8::1` -> `2001:db8::1`), so verification hashes the same text.
      ip,
      requestId: valid.requestId,
      correlationId: valid.correlationId,
      details: JSON.parse(valid.detailsJson) as Record<string, unknown>,
      prevHash: head ? head.hash : AUDIT_GENESIS_HASH,
      hash: Buffer.alloc(0),
    };
    record.hash = auditEntryHash(record);
    try {
      await manager.query(INSERT, [
        record.sequence,
        record.id,
        record.occurredAt.toISOString(),
        record.actorType,
        record.actorId,
        record.action,
        record.subjectType,
        record.subjectId,
        record.outcome,
        record.ip,
        record.requestId,
        record.correlationId,
        valid.detailsJson,
        record.prevHash,
        record.hash,
      ]);
    } catch (error) {
      // Only a transaction whose snapshot predates the last append can pick a sequence that is already taken.
      if (sqlState(error) === '23505') throw new AuditChainContentionError(error);
      throw error;
    }
    return record;
  }
}
