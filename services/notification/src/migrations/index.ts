import { CreateMessagingTables1764200000000 } from '@kasho/messaging';

/** The notification database's migrations, oldest first. */
export const notificationMigrations = [CreateMessagingTables1764200000000];
