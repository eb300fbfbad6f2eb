import { MESSAGING_MIGRATIONS } from '@kasho/messaging';

/** The account database's migrations, oldest first: the outbox and inbox tables, then the service's own. */
export const accountMigrations = [...MESSAGING_MIGRATIONS];
