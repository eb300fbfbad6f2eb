import { runServiceMigrations } from '@kasho/platform';
import { authSchema } from './database';

runServiceMigrations('auth', authSchema);
