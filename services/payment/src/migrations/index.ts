import { CreateMessagingTables1764200000000 } from '@kasho/messaging';

/** The payment database's migrations, oldest first. */
export const paymentMigrations = [CreateMessagingTables1764200000000];
