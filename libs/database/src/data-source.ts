import {
  DataSource,
  type DataSourceOptions,
  type LoggerOptions,
  type NamingStrategyInterface,
} from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming-strategy';

export interface CreateDataSourceOptions {
  /** `postgres://user:password@host:5432/database` */
  url: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  /** Connections in the pool; 10 by default. */
  poolSize?: number;
  /** Shown in `pg_stat_activity`, e.g. `kasho-account`. */
  applicationName?: string;
  /** snake_case by default (`SnakeNamingStrategy`). */
  namingStrategy?: NamingStrategyInterface;
  logging?: LoggerOptions;
  /** How long to wait for a new connection before failing; 5 s by default (pg's own default waits forever). */
  connectTimeoutMs?: number;
}

/**
 * A service's PostgreSQL data source. The schema is only ever changed by committed migrations: `synchronize` and
 * `migrationsRun` are off, whatever the caller passes; `migrate()` applies each migration in its own transaction.
 */
export function createDataSource(options: CreateDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName,
    namingStrategy: options.namingStrategy ?? new SnakeNamingStrategy(),
    logging: options.logging ?? false,
    connectTimeoutMS: options.connectTimeoutMs ?? 5000,
    // gen_random_uuid() is built into PostgreSQL 13+; uuid-ossp would need an extension and superuser rights.
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
  });
}
