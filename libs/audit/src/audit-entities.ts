import { AuditLogEntity } from './audit-log.entity';
import { CreateAuditLog1764400000000 } from './create-audit-log.migration';

/** The audit log table, as an entity: a service that keeps an audit log adds it to its DataSource. */
export const AUDIT_ENTITIES = [AuditLogEntity] as const;

/** The migrations that build it, oldest first: a service lists them before its own. */
export const AUDIT_MIGRATIONS = [CreateAuditLog1764400000000] as const;
