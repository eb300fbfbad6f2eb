import { MESSAGING_MIGRATIONS } from '@kasho/messaging';

/** The payment database's migrations, oldest first: the outbox and inbox tables, then the service's own. */
export const paymentMigrations = [...MESSAGING_MIGRATIONS];
