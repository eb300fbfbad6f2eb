import { Module } from '@nestjs/common';
import { AuditLogHandler } from './audit-log.handler';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';

/** The back office's read of the audit log (`audit.list`). Writing stays with `AuditLog.append` in each feature. */
@Module({ providers: [AuditLogRepository, AuditLogService, AuditLogHandler] })
export class AuditLogReadModule {}
