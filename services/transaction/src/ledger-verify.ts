import { buildServiceDataSource } from '@kasho/platform';
import { transactionSchema } from './database';
import { runLedgerVerifyCli } from './ledger/verify/ledger-verify-cli';

// node dist/ledger-verify.js [--batch-size N]: walks the ledger and audit chains, names the first broken link,
// and checks that every currency sums to zero.
void runLedgerVerifyCli(() => buildServiceDataSource('transaction', transactionSchema)).then((code) => {
  process.exitCode = code;
});
