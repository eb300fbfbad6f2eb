import { AUDIT_ENTITIES } from '@kasho/audit';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { LEDGER_ENTITIES } from './ledger/entities';
import { transactionMigrations } from './migrations';

/** The transaction database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const transactionSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES, ...AUDIT_ENTITIES, ...LEDGER_ENTITIES],
  migrations: transactionMigrations,
};
