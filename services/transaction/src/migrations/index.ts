import { CreateMessagingTables1764200000000 } from '@kasho/messaging';

/** The transaction database's migrations, oldest first. */
export const transactionMigrations = [CreateMessagingTables1764200000000];
