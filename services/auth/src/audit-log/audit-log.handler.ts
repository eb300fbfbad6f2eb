import { type AuditLogPage, type AuditLogQuery, identityRpc } from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { AuditLogService } from './audit-log.service';

/**
 * `audit.list`: the gateway's `GET /v1/admin/audit-log`. The gateway decides who may call it (admin with MFA);
 * this handler only serves.
 */
@Injectable()
export class AuditLogHandler {
  constructor(private readonly service: AuditLogService) {}

  @RpcHandler(identityRpc.auditLog)
  list(query: AuditLogQuery): Promise<AuditLogPage> {
    return this.service.list(query);
  }
}
