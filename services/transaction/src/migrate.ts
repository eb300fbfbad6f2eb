import { runMigrationCli } from '@kasho/database';
import { buildTransactionDataSource } from './database';

// node dist/migrate.js up | down | status | check-drift | generate <Name>
void runMigrationCli(() => buildTransactionDataSource()).then((code) => {
  process.exitCode = code;
});
