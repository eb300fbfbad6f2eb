import {
  AUDIT_GENESIS_HASH,
  type AuditHashedFields,
  auditEntryHash,
  canonicalAuditForm,
  canonicalJson,
} from './audit-hash';

function entry(overrides: Partial<AuditHashedFields> = {}): AuditHashedFields {
  return {
    sequence: '7',
    id: '0b6f8a1e-3c1d-4f43-9d8e-2f0a0c1b2d3e',
    occurredAt: new Date('2025-11-28T10:15:30.123Z'),
    actorType: 'user',
    actorId: 'u-1',
    action: 'auth.login.failed',
    subjectType: 'user',
    subjectId: 'u-1',
    outcome: 'failure',
    ip: '203.0.113.9',
    requestId: 'req-1',
    correlationId: 'corr-1',
    details: { reason: 'bad_password', attempts: 3 },
    prevHash: AUDIT_GENESIS_HASH,
    ...overrides,
  };
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('means what JSON (and so jsonb) stores: Dates become strings, undefined members vanish', () => {
    expect(canonicalJson({ at: new Date('2025-01-01T00:00:00.000Z'), gone: undefined })).toBe(
      '{"at":"2025-01-01T00:00:00.000Z"}',
    );
  });

  it('escapes strings, so no value can imitate a neighbouring field', () => {
    expect(canonicalJson(['a","b'])).toBe('["a\\",\\"b"]');
    expect(canonicalJson(['a,b'])).not.toBe(canonicalJson(['a', 'b']));
  });

  it('refuses a value with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('auditEntryHash', () => {
  it('is SHA-256 of the canonical form: 32 bytes, deterministic', () => {
    const hash = auditEntryHash(entry());
    expect(hash).toHaveLength(32);
    expect(auditEntryHash(entry()).equals(hash)).toBe(true);
  });

  it('does not change when the keys of details come back in another order (jsonb reorders them)', () => {
    const original = entry({ details: { zeta: 1, alpha: { y: 'b', x: 'a' }, mid: [1, 2] } });
    const reordered = entry({ details: { mid: [1, 2], alpha: { x: 'a', y: 'b' }, zeta: 1 } });
    expect(auditEntryHash(reordered).equals(auditEntryHash(original))).toBe(true);
  });

  it('names an explicit field list, version first and previous hash last', () => {
    const form = JSON.parse(canonicalAuditForm(entry())) as unknown[];
    expect(form).toEqual([
      'kasho.audit.v1',
      '7',
      '0b6f8a1e-3c1d-4f43-9d8e-2f0a0c1b2d3e',
      '2025-11-28T10:15:30.123Z',
      'user',
      'u-1',
      'auth.login.failed',
      'user',
      'u-1',
      'failure',
      '203.0.113.9',
      'req-1',
      'corr-1',
      { attempts: 3, reason: 'bad_password' },
      '0'.repeat(64),
    ]);
  });

  it.each<[string, Partial<AuditHashedFields>]>([
    ['sequence', { sequence: '8' }],
    ['id', { id: '0b6f8a1e-3c1d-4f43-9d8e-2f0a0c1b2d3f' }],
    ['occurredAt', { occurredAt: new Date('2025-11-28T10:15:30.124Z') }],
    ['actorType', { actorType: 'staff' }],
    ['actorId', { actorId: null }],
    ['action', { action: 'auth.login.succeeded' }],
    ['subjectType', { subjectType: 'session' }],
    ['subjectId', { subjectId: 'u-2' }],
    ['outcome', { outcome: 'success' }],
    ['ip', { ip: '203.0.113.10' }],
    ['requestId', { requestId: null }],
    ['correlationId', { correlationId: 'corr-2' }],
    ['details', { details: { reason: 'bad_password', attempts: 4 } }],
    ['prevHash', { prevHash: Buffer.alloc(32, 1) }],
  ])('changes when %s changes', (_field, overrides) => {
    expect(auditEntryHash(entry(overrides)).equals(auditEntryHash(entry()))).toBe(false);
  });

  it('tells null from the string "null"', () => {
    expect(auditEntryHash(entry({ actorId: 'null' })).equals(auditEntryHash(entry({ actorId: null })))).toBe(
      false,
    );
  });
});
