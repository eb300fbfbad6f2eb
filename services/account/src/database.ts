import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { accountMigrations } from './migrations';

/** The account database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const accountSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES],
  migrations: accountMigrations,
};
