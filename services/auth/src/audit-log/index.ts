export { AuditLogReadModule } from './audit-log.module';
