export { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from './audit-entry';
export type { AuditActorType, AuditEntryInput, AuditLogRecord, AuditOutcome } from './audit-entry';
export {
  AUDIT_GENESIS_HASH,
  AUDIT_HASH_VERSION,
  auditEntryHash,
  canonicalAuditForm,
  canonicalJson,
} from './audit-hash';
export type { AuditHashedFields } from './audit-hash';
export { AuditChainContentionError, AuditLog, InvalidAuditEntryError, validateAuditEntry } from './audit-log';
export { AuditLogEntity } from './audit-log.entity';
export { CreateAuditLog1764400000000 } from './create-audit-log.migration';
export { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from './audit-entities';
export { verifyAuditChain } from './verify-audit-chain';
export type { AuditChainBreak, AuditChainVerification, VerifyAuditChainOptions } from './verify-audit-chain';
export { AUDIT_VERIFY_CLI_USAGE, runAuditVerifyCli } from './audit-verify-cli';
export type { AuditVerifyCliOutput, AuditVerifyCliStatus } from './audit-verify-cli';
