import { commonEnv, loadConfig, postgresEnv } from '@kasho/config';
import type { BackendServiceName } from '@kasho/contracts';
import { createDataSource, runMigrationCli } from '@kasho/database';
import { type DataSource, type DataSourceOptions } from 'typeorm';
import { z } from 'zod';

/** A service's database schema as code: every entity, and the committed migrations (oldest first) that build it. */
export interface ServiceSchema {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/** The migration job's data source; it reads only the database settings, so a release job needs nothing else. */
export function buildServiceDataSource(
  service: BackendServiceName,
  schema: ServiceSchema,
  env: NodeJS.ProcessEnv = process.env,
): DataSource {
  const config = loadConfig(z.object({ ...commonEnv.shape, ...postgresEnv(service).shape }), env);
  return createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: schema.entities,
    migrations: schema.migrations,
    applicationName: `kasho-${service}-migrate`,
  });
}

/** A service's `migrate.ts`: `node dist/migrate.js up | down | status | check-drift | generate <Name>`. */
export function runServiceMigrations(service: BackendServiceName, schema: ServiceSchema): void {
  void runMigrationCli(() => buildServiceDataSource(service, schema)).then((code) => {
    process.exitCode = code;
  });
}
