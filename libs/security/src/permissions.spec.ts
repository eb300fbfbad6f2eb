import { decideAccess, Permission, permissionsOf, ROLE_PERMISSIONS, ROLES } from './permissions';

const user = (roles: string[], amr: string[] = ['pwd']) => ({ roles, scopes: [], amr });

describe('roles and permissions', () => {
  it('gives admin every permission of support and compliance', () => {
    const admin = new Set(ROLE_PERMISSIONS.admin);
    for (const permission of [...ROLE_PERMISSIONS.support, ...ROLE_PERMISSIONS.compliance])
      expect(admin.has(permission)).toBe(true);
  });

  it('never gives a customer a back-office permission', () => {
    for (const permission of permissionsOf(['customer']))
      expect(permission.startsWith('backoffice:')).toBe(false);
  });

  it('lets every role act on itself', () => {
    for (const role of ROLES) expect(permissionsOf([role]).has(Permission.Self)).toBe(true);
  });

  it('refuses a customer on the back office and asks staff without MFA for it', () => {
    expect(decideAccess(user(['customer'], ['pwd', 'otp', 'mfa']), Permission.AuditRead)).toBe('forbidden');
    expect(decideAccess(user(['admin']), Permission.AuditRead)).toBe('mfa_required');
    expect(decideAccess(user(['admin'], ['pwd', 'otp', 'mfa']), Permission.AuditRead)).toBe('allow');
    expect(decideAccess(user(['support'], ['pwd', 'otp', 'mfa']), Permission.LedgerWrite)).toBe('forbidden');
  });

  it('needs no MFA for self-service, and grants nothing for an unknown role', () => {
    expect(decideAccess(user(['customer']), Permission.PaymentsWrite)).toBe('allow');
    expect(decideAccess(user(['superuser']), Permission.Self)).toBe('forbidden');
  });

  it('holds an OAuth client to its scopes, and never opens the back office to one', () => {
    const client = { roles: [], scopes: ['payments:read', 'backoffice:audit:read'], clientId: 'partner-1' };
    expect(decideAccess(client, Permission.PaymentsRead)).toBe('allow');
    expect(decideAccess(client, Permission.PaymentsWrite)).toBe('forbidden');
    expect(decideAccess(client, Permission.AuditRead)).toBe('forbidden');
    expect(decideAccess({ ...client, roles: ['admin'] }, Permission.AuditRead)).toBe('forbidden');
  });
});
