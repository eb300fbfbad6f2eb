import { CreateMessagingTables1764200000000 } from '@kasho/messaging';

/** The account database's migrations, oldest first. */
export const accountMigrations = [CreateMessagingTables1764200000000];
