import { type AuditLogRecord } from '@kasho/audit';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

// The columns as `verifyAuditChain` reads them: `host(ip)` gives the text that was hashed.
const PAGE =
  'SELECT "sequence", "id", "occurred_at" AS "occurredAt", "actor_type" AS "actorType", "actor_id" AS "actorId", ' +
  '"action", "subject_type" AS "subjectType", "subject_id" AS "subjectId", "outcome", host("ip") AS "ip", ' +
  '"request_id" AS "requestId", "correlation_id" AS "correlationId", "details", "prev_hash" AS "prevHash", "hash" ' +
  'FROM "audit_log" WHERE ($1::bigint IS NULL OR "sequence" < $1::bigint) ORDER BY "sequence" DESC LIMIT $2';

/**
 * Reads the audit log (written only by `AuditLog.append`). The log is the platform's, not a customer's: there is no
 * owner to scope by, and who may read it is decided at the gateway (admin with MFA).
 */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Up to `limit` entries, newest first, strictly older than `beforeSequence` when given. */
  page(limit: number, beforeSequence: string | undefined): Promise<AuditLogRecord[]> {
    return this.dataSource.query<AuditLogRecord[]>(PAGE, [beforeSequence ?? null, limit]);
  }
}
