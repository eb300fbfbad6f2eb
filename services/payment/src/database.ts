import { loadConfig } from '@kasho/config';
import { createDataSource } from '@kasho/database';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type DataSource } from 'typeorm';
import { paymentDatabaseEnv } from './config';
import { paymentMigrations } from './migrations';

/** Every entity of the payment database; the drift check compares them with the migrations. */
export const paymentEntities = [...MESSAGING_ENTITIES];

export function buildPaymentDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  const config = loadConfig(paymentDatabaseEnv, env);
  return createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: paymentEntities,
    migrations: paymentMigrations,
    applicationName: 'kasho-payment-migrate',
  });
}
