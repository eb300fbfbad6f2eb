import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { paymentMigrations } from './migrations';

/** The payment database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const paymentSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES],
  migrations: paymentMigrations,
};
