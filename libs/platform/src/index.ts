export { PlatformModule } from './platform.module';
export type { PlatformConfig, PlatformOptions } from './platform.module';
export { SERVICE_IDENTITY } from './service-identity';
export type { ServiceIdentity } from './service-identity';
export { SystemStatusHandler } from './system-status.handler';
export { BODY_LIMIT_BYTES, runService, startService } from './run-service';
export type { RunningService, RunServiceOptions, RuntimeConfig } from './run-service';
export { buildServiceDataSource, runServiceMigrations } from './service-database';
export type { ServiceSchema } from './service-database';
