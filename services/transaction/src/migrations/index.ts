import { AUDIT_MIGRATIONS } from '@kasho/audit';
import { MESSAGING_MIGRATIONS } from '@kasho/messaging';
import { CreateLedgerTables1765000000000 } from './1765000000000-create-ledger-tables';
import { CreateOperatorAccounts1765000000001 } from './1765000000001-create-operator-accounts';
import { LedgerAccountsNeverDeleted1765000000002 } from './1765000000002-ledger-accounts-never-deleted';
import { TransfersLighterWrite1765000000003 } from './1765000000003-transfers-lighter-write';

/** The transaction database's migrations, oldest first: the outbox and inbox tables, the audit log, then the ledger. */
export const transactionMigrations = [
  ...MESSAGING_MIGRATIONS,
  ...AUDIT_MIGRATIONS,
  CreateLedgerTables1765000000000,
  CreateOperatorAccounts1765000000001,
  LedgerAccountsNeverDeleted1765000000002,
  TransfersLighterWrite1765000000003,
];
