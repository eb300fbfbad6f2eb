import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { transactionMigrations } from './migrations';

/** The transaction database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const transactionSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES],
  migrations: transactionMigrations,
};
