import { AUDIT_MIGRATIONS } from '@kasho/audit';
import { MESSAGING_MIGRATIONS } from '@kasho/messaging';
import { CreateAccountTables1766000000000 } from './1766000000000-create-account-tables';

/** The account database's migrations, oldest first: outbox and inbox, the audit trail, then the service's own. */
export const accountMigrations = [
  ...MESSAGING_MIGRATIONS,
  ...AUDIT_MIGRATIONS,
  CreateAccountTables1766000000000,
];
