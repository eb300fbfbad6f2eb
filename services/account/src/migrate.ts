import { runServiceMigrations } from '@kasho/platform';
import { accountSchema } from './database';

runServiceMigrations('account', accountSchema);
