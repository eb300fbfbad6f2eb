/**
 * Roles and what they may do: the one place that says so. The gateway checks a route's permission against the
 * roles in the access token (users) or its scopes (OAuth clients); the owning service still checks ownership.
 */
export const ROLES = ['customer', 'support', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles reach the back office, and only from a session that passed MFA. */
export const STAFF_ROLES: readonly Role[] = ['support', 'compliance', 'admin'];

export const Permission = {
  // Every signed-in user, about themselves: profile, sessions, MFA, password.
  Self: 'self',
  // Customers' own money.
  WalletsRead: 'wallets:read',
  WalletsWrite: 'wallets:write',
  PaymentsRead: 'payments:read',
  PaymentsWrite: 'payments:write',
  NotificationsRead: 'notifications:read',
  // Back office: staff only, MFA required.
  CustomersRead: 'backoffice:customers:read',
  /** A customer's personal data unmasked (compliance); support sees it masked. */
  CustomersReadPii: 'backoffice:customers:read-pii',
  KycDecide: 'backoffice:kyc:decide',
  AccountsFreeze: 'backoffice:accounts:freeze',
  AmlReview: 'backoffice:aml:review',
  LedgerRead: 'backoffice:ledger:read',
  LedgerWrite: 'backoffice:ledger:write',
  AuditRead: 'backoffice:audit:read',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

const CUSTOMER: readonly Permission[] = [
  Permission.Self,
  Permission.WalletsRead,
  Permission.WalletsWrite,
  Permission.PaymentsRead,
  Permission.PaymentsWrite,
  Permission.NotificationsRead,
];
const SUPPORT: readonly Permission[] = [Permission.Self, Permission.CustomersRead];
const COMPLIANCE: readonly Permission[] = [
  Permission.Self,
  Permission.CustomersRead,
  Permission.CustomersReadPii,
  Permission.KycDecide,
  Permission.AccountsFreeze,
  Permission.AmlReview,
];
// admin holds every permission of support and compliance, plus the ledger and the audit trail.
const ADMIN: readonly Permission[] = [
  ...new Set([
    ...SUPPORT,
    ...COMPLIANCE,
    Permission.LedgerRead,
    Permission.LedgerWrite,
    Permission.AuditRead,
  ]),
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  customer: CUSTOMER,
  support: SUPPORT,
  compliance: COMPLIANCE,
  admin: ADMIN,
};

/** Scopes an OAuth 2.0 client may be granted: never a back-office permission, never `self`. */
export const CLIENT_SCOPES: readonly Permission[] = [
  Permission.WalletsRead,
  Permission.PaymentsRead,
  Permission.PaymentsWrite,
];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isBackOfficePermission(permission: Permission): boolean {
  return permission.startsWith('backoffice:');
}

export function isStaff(roles: readonly string[]): boolean {
  return roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role));
}

/** Unknown role names grant nothing (a token minted by a newer auth service degrades safely). */
export function permissionsOf(roles: readonly string[]): ReadonlySet<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles)
    if (isRole(role)) for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  return granted;
}

export type AccessDecision = 'allow' | 'forbidden' | 'mfa_required';

/** What the caller behind verified claims may do with `permission`. */
export function decideAccess(
  claims: { roles: readonly string[]; scopes: readonly string[]; amr?: readonly string[]; clientId?: string },
  permission: Permission,
): AccessDecision {
  if (claims.clientId !== undefined) {
    // A client acts only within its granted scopes, and no scope opens the back office.
    if (isBackOfficePermission(permission)) return 'forbidden';
    return claims.scopes.includes(permission) ? 'allow' : 'forbidden';
  }
  if (!permissionsOf(claims.roles).has(permission)) return 'forbidden';
  if (isBackOfficePermission(permission) && !(claims.amr ?? []).includes('mfa')) return 'mfa_required';
  return 'allow';
}
