import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { authMigrations } from './migrations';

/** The auth database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const authSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES],
  migrations: authMigrations,
};
