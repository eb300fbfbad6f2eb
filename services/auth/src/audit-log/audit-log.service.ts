import { type AuditLogRecord } from '@kasho/audit';
import { type AuditLogEntryView, type AuditLogPage, type AuditLogQuery } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Injectable } from '@nestjs/common';
import { decodeAuditCursor, encodeAuditCursor } from './audit-log-cursor';
import { AuditLogRepository } from './audit-log.repository';

export const AUDIT_LOG_MAX_LIMIT = 100;

/** Serves the back office's view of the audit log: newest first, in pages behind an opaque cursor. */
@Injectable()
export class AuditLogService {
  constructor(private readonly entries: AuditLogRepository) {}

  async list(query: AuditLogQuery): Promise<AuditLogPage> {
    const { limit, beforeSequence } = parseQuery(query);
    // One more than asked tells whether a next page exists without a second query.
    const rows = await this.entries.page(limit + 1, beforeSequence);
    const data = rows.slice(0, limit).map(toView);
    const last = data.at(-1);
    return { data, nextCursor: rows.length > limit && last ? encodeAuditCursor(last.sequence) : null };
  }
}

/** The gateway validates too; the rules are checked again here, where they are owned. */
function parseQuery(query: unknown): { limit: number; beforeSequence: string | undefined } {
  const { limit, cursor } = (typeof query === 'object' && query !== null ? query : {}) as Partial<
    Record<keyof AuditLogQuery, unknown>
  >;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > AUDIT_LOG_MAX_LIMIT) {
    throw validationFailed('/limit', `limit must be an integer from 1 to ${AUDIT_LOG_MAX_LIMIT}.`);
  }
  if (cursor === undefined || cursor === null) return { limit, beforeSequence: undefined };
  const beforeSequence = typeof cursor === 'string' ? decodeAuditCursor(cursor) : undefined;
  if (beforeSequence === undefined) {
    throw validationFailed('/cursor', 'cursor is not one this list returned.');
  }
  return { limit, beforeSequence };
}

function validationFailed(pointer: string, detail: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, detail, { errors: [{ pointer, detail }] });
}

function toView(record: AuditLogRecord): AuditLogEntryView {
  return {
    sequence: record.sequence,
    id: record.id,
    occurredAt: record.occurredAt.toISOString(),
    actorType: record.actorType,
    actorId: record.actorId,
    action: record.action,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    outcome: record.outcome,
    ip: record.ip,
    requestId: record.requestId,
    correlationId: record.correlationId,
    details: record.details,
    prevHash: record.prevHash.toString('hex'),
    hash: record.hash.toString('hex'),
  };
}
