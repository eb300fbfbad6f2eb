import { type EntityManager } from 'typeorm';
import { type AuditEntryInput } from './audit-entry';
import { AuditLog, InvalidAuditEntryError, validateAuditEntry } from './audit-log';

const valid: AuditEntryInput = {
  actorType: 'user',
  actorId: 'u-1',
  action: 'auth.login.failed',
  outcome: 'failure',
  ip: '2001:db8::1',
  details: { reason: 'bad_password' },
};

describe('validateAuditEntry', () => {
  it('accepts a well-formed entry and fills the defaults', () => {
    const result = validateAuditEntry({
      actorType: 'system',
      action: 'ledger.pending.voided',
      outcome: 'success',
    });
    expect(result).toMatchObject({ actorId: null, ip: null, detailsJson: '{}', subjectId: null });
    expect(result.occurredAt).toBeInstanceOf(Date);
    expect(validateAuditEntry(valid).ip).toBe('2001:db8::1');
  });

  it.each<[string, Partial<AuditEntryInput> & Record<string, unknown>]>([
    ['an unknown actor type', { actorType: 'robot' as never }],
    ['an unknown outcome', { outcome: 'maybe' as never }],
    ['an action that is not dotted', { action: 'login' }],
    ['an action in camel case', { action: 'auth.loginFailed' }],
    ['an ip that is not an address', { ip: 'example.com' }],
    ['an ip with a prefix length', { ip: '10.0.0.0/8' }],
    ['details that are an array', { details: [] as never }],
    ['an empty actor id', { actorId: '' }],
    ['an invalid date', { occurredAt: new Date('nope') }],
    ['details over 16 KiB', { details: { note: 'x'.repeat(17 * 1024) } }],
  ])('refuses %s', (_case, overrides) => {
    expect(() => validateAuditEntry({ ...valid, ...overrides })).toThrow(InvalidAuditEntryError);
  });

  it.each(['password', 'newPassword', 'client_secret', 'accessToken', 'refresh_token', 'otp', 'cardNumber'])(
    'refuses a details key that names a secret (%s), however deep',
    (key) => {
      expect(() => validateAuditEntry({ ...valid, details: { [key]: 'x' } })).toThrow(/looks like a secret/);
      expect(() => validateAuditEntry({ ...valid, details: { nested: [{ [key]: 'x' }] } })).toThrow(
        /details\.nested\[0\]\./,
      );
    },
  );

  it('matches a secret word anywhere in a key (erring on the safe side), but not id keys such as tokenId', () => {
    expect(() =>
      validateAuditEntry({ ...valid, details: { tokenId: 't-1', passwordChangedBy: 'u-1' } }),
    ).toThrow(/passwordChangedBy/);
    expect(() =>
      validateAuditEntry({ ...valid, details: { tokenId: 't-1', sessionId: 's-1' } }),
    ).not.toThrow();
  });
});

describe('AuditLog.append', () => {
  it('refuses to write outside a transaction', async () => {
    const manager = { queryRunner: undefined } as unknown as EntityManager;
    await expect(new AuditLog().append(manager, valid)).rejects.toThrow(/inside the transaction/);
  });
});
