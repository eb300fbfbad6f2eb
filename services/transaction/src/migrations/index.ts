import { MESSAGING_MIGRATIONS } from '@kasho/messaging';

/** The transaction database's migrations, oldest first: the outbox and inbox tables, then the service's own. */
export const transactionMigrations = [...MESSAGING_MIGRATIONS];
