import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  decodeAccountsCursor,
  decodeStatementCursor,
  encodeAccountsCursor,
  encodeStatementCursor,
} from './ledger-cursors';

describe('statement cursor', () => {
  it('round-trips every account and positive bigint sequence (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), (account, sequence) => {
        const cursor = encodeStatementCursor(account, sequence.toString());
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeStatementCursor(cursor, account)).toBe(sequence.toString());
        expect(decodeStatementCursor(cursor, account.toUpperCase())).toBe(sequence.toString());
      }),
    );
  });

  it('refuses a cursor issued for another account', () => {
    const cursor = encodeStatementCursor(randomUUID(), '10');
    expect(decodeStatementCursor(cursor, randomUUID())).toBeUndefined();
  });

  const account = randomUUID();
  it.each([
    ['empty', ''],
    ['not base64url', 'czE6+'],
    ['padded', `${encodeStatementCursor(account, '1')}=`],
    ['zero', encodeStatementCursor(account, '0')],
    ['negative', encodeStatementCursor(account, '-1')],
    ['leading zero', encodeStatementCursor(account, '01')],
    ['over 2^63-1', encodeStatementCursor(account, '9223372036854775808')],
    ['an accounts cursor', encodeAccountsCursor(account)],
    ['another version', Buffer.from(`s2:${account}:1`).toString('base64url')],
    ['too long', 'A'.repeat(200)],
  ])('refuses a cursor that is %s', (_name, cursor) => {
    expect(decodeStatementCursor(cursor, account)).toBeUndefined();
  });

  it('accepts no string other than one it issued (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const sequence = decodeStatementCursor(text, account);
        if (sequence !== undefined) expect(encodeStatementCursor(account, sequence)).toBe(text);
      }),
    );
  });
});

describe('accounts cursor', () => {
  it('round-trips every id (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(decodeAccountsCursor(encodeAccountsCursor(id))).toBe(id.toLowerCase());
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['not an id', Buffer.from('a1:nope').toString('base64url')],
    ['a statement cursor', encodeStatementCursor(randomUUID(), '3')],
    ['garbage', '!!'],
  ])('refuses a cursor that is %s', (_name, cursor) => {
    expect(decodeAccountsCursor(cursor)).toBeUndefined();
  });
});
