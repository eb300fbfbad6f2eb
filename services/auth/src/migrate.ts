import { runMigrationCli } from '@kasho/database';
import { buildAuthDataSource } from './database';

// node dist/migrate.js up | down | status | check-drift | generate <Name>
void runMigrationCli(() => buildAuthDataSource()).then((code) => {
  process.exitCode = code;
});
