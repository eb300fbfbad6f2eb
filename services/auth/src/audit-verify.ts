import { runAuditVerifyCli } from '@kasho/audit';
import { buildServiceDataSource } from '@kasho/platform';
import { authSchema } from './database';

// node dist/audit-verify.js [--batch-size N]: walks the audit chain and names the first broken link.
void runAuditVerifyCli(() => buildServiceDataSource('auth', authSchema)).then((code) => {
  process.exitCode = code;
});
