import { CreateMessagingTables1764200000000 } from '@kasho/messaging';

/** The auth database's migrations, oldest first. */
export const authMigrations = [CreateMessagingTables1764200000000];
