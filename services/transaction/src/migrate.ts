import { runServiceMigrations } from '@kasho/platform';
import { transactionSchema } from './database';

runServiceMigrations('transaction', transactionSchema);
