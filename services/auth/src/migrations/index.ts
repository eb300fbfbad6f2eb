import { MESSAGING_MIGRATIONS } from '@kasho/messaging';

/** The auth database's migrations, oldest first: the outbox and inbox tables, then the service's own. */
export const authMigrations = [...MESSAGING_MIGRATIONS];
