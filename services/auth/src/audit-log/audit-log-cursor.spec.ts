import fc from 'fast-check';
import { decodeAuditCursor, encodeAuditCursor } from './audit-log-cursor';

describe('audit-log cursor', () => {
  it('round-trips every positive bigint sequence', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), (sequence) => {
        expect(decodeAuditCursor(encodeAuditCursor(sequence.toString()))).toBe(sequence.toString());
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'MTA+'],
    ['padded', 'MTA='],
    ['not a number', encodeAuditCursor('abc')],
    ['zero', encodeAuditCursor('0')],
    ['negative', encodeAuditCursor('-5')],
    ['leading zero', encodeAuditCursor('010')],
    ['over 2^63-1', encodeAuditCursor('9223372036854775808')],
    ['too long', 'A'.repeat(40)],
  ])('refuses a cursor that is %s', (_name, cursor) => {
    expect(decodeAuditCursor(cursor)).toBeUndefined();
  });

  it('refuses any string that is not exactly what it issued', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const sequence = decodeAuditCursor(text);
        if (sequence !== undefined) expect(encodeAuditCursor(sequence)).toBe(text);
      }),
    );
  });
});
