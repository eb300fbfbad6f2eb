import { runServiceMigrations } from '@kasho/platform';
import { notificationSchema } from './database';

runServiceMigrations('notification', notificationSchema);
