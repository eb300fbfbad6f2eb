import { loadConfig } from '@kasho/config';
import { createDataSource } from '@kasho/database';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type DataSource } from 'typeorm';
import { accountDatabaseEnv } from './config';
import { accountMigrations } from './migrations';

/** Every entity of the account database; the drift check compares them with the migrations. */
export const accountEntities = [...MESSAGING_ENTITIES];

export function buildAccountDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  const config = loadConfig(accountDatabaseEnv, env);
  return createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: accountEntities,
    migrations: accountMigrations,
    applicationName: 'kasho-account-migrate',
  });
}
