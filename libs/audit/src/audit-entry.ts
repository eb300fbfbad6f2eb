/** Who did it: a customer, an OAuth client (partner), an operator, or the platform itself (jobs, timeouts). */
export const AUDIT_ACTOR_TYPES = ['user', 'client', 'staff', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * What a caller records. `details` is stored as jsonb and hashed: ids, codes and counts only. Never secrets
 * (passwords, tokens, OTPs, keys) and no personal data beyond ids (no e-mail addresses, names, card numbers):
 * the log cannot be edited or erased, so whatever goes in stays for good.
 */
export interface AuditEntryInput {
  actorType: AuditActorType;
  /** The user's, client's or staff member's id; null when unknown (a failed login for no known account). */
  actorId?: string | null;
  /** Dotted, lower case, past or present tense: `auth.login.failed`, `ledger.admin_transfer.posted`. */
  action: string;
  /** What it was done to: `user`, `session`, `account`, ... */
  subjectType?: string | null;
  subjectId?: string | null;
  outcome: AuditOutcome;
  /** IPv4 or IPv6 address of the caller, without a prefix length. */
  ip?: string | null;
  requestId?: string | null;
  correlationId?: string | null;
  details?: Readonly<Record<string, unknown>>;
  /** When it happened; now by default. Stored to the millisecond. */
  occurredAt?: Date;
}

/** One entry as stored: the chain's link fields included. */
export interface AuditLogRecord {
  /** 1, 2, 3, ... without gaps, in commit order. A bigint: kept as a decimal string. */
  sequence: string;
  id: string;
  occurredAt: Date;
  actorType: AuditActorType;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  requestId: string | null;
  correlationId: string | null;
  details: Record<string, unknown>;
  /** SHA-256 of the previous entry (32 zero bytes before the first). */
  prevHash: Buffer;
  /** SHA-256 of this entry's canonical form (see `canonicalAuditForm`). */
  hash: Buffer;
}
