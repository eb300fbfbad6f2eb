import { Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';

/** Back-office routes: staff roles with MFA only (`@RequirePermission` with a back-office permission). */
@Module({ controllers: [AuditLogController] })
export class AdminModule {}
