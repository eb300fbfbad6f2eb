export { createDataSource } from './data-source';
export type { CreateDataSourceOptions } from './data-source';
export { databaseNameOf, dataSourceUrl, withDatabaseName } from './database-url';
export { dropDatabaseIfExists, ensureDatabaseExists } from './ensure-database';
export {
  executedMigrations,
  migrate,
  pendingMigrations,
  revertAllMigrations,
  revertLastMigration,
} from './migrations';
export { assertNoSchemaDrift, schemaDrift, SchemaDriftError } from './schema-drift';
export { MIGRATION_CLI_USAGE, renderMigration, runMigrationCli } from './migration-cli';
export type { MigrationCliOutput, MigrationCliStatus } from './migration-cli';
export { isRetryableTransactionError, withTransaction } from './transaction';
export type { TransactionIsolation, TransactionOptions } from './transaction';
export { DatabaseModule, openDatabase } from './database.module';
export type { DatabaseModuleAsyncOptions, DatabaseModuleOptions } from './database.module';
export { checkDatabase } from './health';
export { SnakeNamingStrategy, snakeCase } from './snake-naming-strategy';
