import { CLIENT_SCOPES } from '@kasho/security';
import { clientScopesProblem, grantedScopes } from './client-scopes';

const held = ['payments:read', 'payments:write'];

describe('grantedScopes', () => {
  it('grants every held scope when none is asked for', () => {
    expect(grantedScopes(undefined, held)).toEqual(held);
    expect(grantedScopes('', held)).toEqual(held);
  });

  it('grants a subset, in the order asked, without duplicates', () => {
    expect(grantedScopes('payments:write', held)).toEqual(['payments:write']);
    expect(grantedScopes('payments:write payments:read payments:write', held)).toEqual([
      'payments:write',
      'payments:read',
    ]);
  });

  it.each([
    ['a scope the client does not hold', 'wallets:read'],
    ['one held and one not', 'payments:read wallets:read'],
    ['a double space', 'payments:read  payments:write'],
    ['a leading space', ' payments:read'],
    ['a trailing space', 'payments:read '],
    ['a quote', 'payments:"read'],
    ['a backslash', 'payments:\\read'],
    ['a tab', 'payments:read\tpayments:write'],
    ['a non-ASCII character', 'paymentś:read'],
    ['an over-long value', `${'x'.repeat(1025)}`],
  ])('refuses %s', (_name, requested) => {
    expect(grantedScopes(requested, held)).toBeUndefined();
  });
});

describe('clientScopesProblem', () => {
  it('accepts the client scopes', () => {
    expect(clientScopesProblem(CLIENT_SCOPES)).toBeUndefined();
  });

  it('refuses no scope and scopes a client may never hold', () => {
    expect(clientScopesProblem([])).toMatch(/at least one/);
    expect(clientScopesProblem(['payments:read', 'backoffice:admin'])).toMatch(/backoffice:admin/);
  });
});
