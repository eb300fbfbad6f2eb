import { loadConfig } from '@kasho/config';
import { createDataSource } from '@kasho/database';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type DataSource } from 'typeorm';
import { authDatabaseEnv } from './config';
import { authMigrations } from './migrations';

/** Every entity of the auth database; the drift check compares them with the migrations. */
export const authEntities = [...MESSAGING_ENTITIES];

export function buildAuthDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  const config = loadConfig(authDatabaseEnv, env);
  return createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: authEntities,
    migrations: authMigrations,
    applicationName: 'kasho-auth-migrate',
  });
}
