import { loadConfig } from '@kasho/config';
import { createDataSource } from '@kasho/database';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type DataSource } from 'typeorm';
import { transactionDatabaseEnv } from './config';
import { transactionMigrations } from './migrations';

/** Every entity of the transaction database; the drift check compares them with the migrations. */
export const transactionEntities = [...MESSAGING_ENTITIES];

export function buildTransactionDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  const config = loadConfig(transactionDatabaseEnv, env);
  return createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: transactionEntities,
    migrations: transactionMigrations,
    applicationName: 'kasho-transaction-migrate',
  });
}
