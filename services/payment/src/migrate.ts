import { runMigrationCli } from '@kasho/database';
import { buildPaymentDataSource } from './database';

// node dist/migrate.js up | down | status | check-drift | generate <Name>
void runMigrationCli(() => buildPaymentDataSource()).then((code) => {
  process.exitCode = code;
});
