import { runMigrationCli } from '@kasho/database';
import { buildAccountDataSource } from './database';

// node dist/migrate.js up | down | status | check-drift | generate <Name>
void runMigrationCli(() => buildAccountDataSource()).then((code) => {
  process.exitCode = code;
});
