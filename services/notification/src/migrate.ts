import { runMigrationCli } from '@kasho/database';
import { buildNotificationDataSource } from './database';

// node dist/migrate.js up | down | status | check-drift | generate <Name>
void runMigrationCli(() => buildNotificationDataSource()).then((code) => {
  process.exitCode = code;
});
