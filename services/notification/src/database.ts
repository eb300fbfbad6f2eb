import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { notificationMigrations } from './migrations';

/** The notification database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const notificationSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES],
  migrations: notificationMigrations,
};
