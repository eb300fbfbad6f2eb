import fc from 'fast-check';
import { DomainError, ErrorCode } from '@kasho/errors';
import { canonicalJson, idempotencyKeyOf, idempotencyRecordKey, requestFingerprint } from './idempotency-key';

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});

describe('idempotencyKeyOf', () => {
  it('accepts 1 to 255 printable ASCII characters as they are', () => {
    fc.assert(
      fc.property(
        printable.filter((key) => key.length >= 1 && key.length <= 255),
        (key) => {
          expect(idempotencyKeyOf(key)).toBe(key);
        },
      ),
    );
  });

  it('answers undefined when there is no header', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a tab', 'a\tb'],
    ['DEL', 'a\x7f'],
    ['non-ASCII', 'clé'],
    ['sent twice', ['a', 'b']],
  ])('refuses %s with invalid_idempotency_key', (_what, header) => {
    let thrown: unknown;
    try {
      idempotencyKeyOf(header);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(ErrorCode.InvalidIdempotencyKey);
  });
});

describe('requestFingerprint', () => {
  it('ignores the order of object keys at every depth', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (body) => {
        const reversed = Object.fromEntries(Object.entries(body).reverse());
        expect(requestFingerprint('POST', '/v1/x', reversed)).toBe(requestFingerprint('POST', '/v1/x', body));
      }),
    );
    expect(canonicalJson({ b: { d: 1, c: [2, { f: 1, e: 0 }] }, a: null })).toBe(
      '{"a":null,"b":{"c":[2,{"e":0,"f":1}],"d":1}}',
    );
  });

  it('tells apart a different body, path, query or method', () => {
    const base = requestFingerprint('POST', '/v1/x', { amount: '100' });
    expect(requestFingerprint('POST', '/v1/x', { amount: '101' })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/y', { amount: '100' })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/x?a=1', { amount: '100' })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/x', { amount: '100' })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/x', [{ amount: '100' }])).not.toBe(base);
  });

  it('round-trips what JSON.parse gives back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('idempotencyRecordKey', () => {
  it('separates callers and keys, and shows neither', () => {
    const key = idempotencyRecordKey('user:u1', 'k1');
    expect(key).toMatch(/^idempotency:[0-9a-f]{64}$/);
    expect(idempotencyRecordKey('user:u2', 'k1')).not.toBe(key);
    expect(idempotencyRecordKey('user:u1', 'k2')).not.toBe(key);
  });
});
