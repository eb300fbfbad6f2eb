import { loadConfig } from '@kasho/config';
import { createDataSource } from '@kasho/database';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type DataSource } from 'typeorm';
import { notificationDatabaseEnv } from './config';
import { notificationMigrations } from './migrations';

/** Every entity of the notification database; the drift check compares them with the migrations. */
export const notificationEntities = [...MESSAGING_ENTITIES];

export function buildNotificationDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  const config = loadConfig(notificationDatabaseEnv, env);
  return createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: notificationEntities,
    migrations: notificationMigrations,
    applicationName: 'kasho-notification-migrate',
  });
}
