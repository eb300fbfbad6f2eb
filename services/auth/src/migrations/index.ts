import { AUDIT_MIGRATIONS } from '@kasho/audit';
import { MESSAGING_MIGRATIONS } from '@kasho/messaging';
import { CreateOAuthClients1764600000000 } from './1764600000000-create-oauth-clients';
import { CreateIdentityTables1764700000000 } from './1764700000000-create-identity-tables';
import { AddIdentityRetentionIndexes1764800000000 } from './1764800000000-add-identity-retention-indexes';

/** The auth database's migrations, oldest first: outbox and inbox, the audit trail, then the service's own. */
export const authMigrations = [
  ...MESSAGING_MIGRATIONS,
  ...AUDIT_MIGRATIONS,
  CreateOAuthClients1764600000000,
  CreateIdentityTables1764700000000,
  AddIdentityRetentionIndexes1764800000000,
];
