import { runServiceMigrations } from '@kasho/platform';
import { paymentSchema } from './database';

runServiceMigrations('payment', paymentSchema);
