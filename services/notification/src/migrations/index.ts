import { MESSAGING_MIGRATIONS } from '@kasho/messaging';

/** The notification database's migrations, oldest first: the outbox and inbox tables, then the service's own. */
export const notificationMigrations = [...MESSAGING_MIGRATIONS];
