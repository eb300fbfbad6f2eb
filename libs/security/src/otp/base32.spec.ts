import fc from 'fast-check';
import { decodeBase32, encodeBase32, InvalidBase32Error } from './base32';

describe('base32', () => {
  // RFC 4648 section 10, with the padding dropped on encode.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];

  it.each(vectors)('encodes %j as %s', (plain, encoded) => {
    expect(encodeBase32(Buffer.from(plain, 'ascii'))).toBe(encoded);
  });

  it.each(vectors)('decodes %j from %s, padded or not, in either case', (plain, encoded) => {
    const padded = encoded.padEnd(Math.ceil(encoded.length / 8) * 8, '=');
    for (const text of [encoded, padded, encoded.toLowerCase(), padded.toLowerCase()]) {
      expect(decodeBase32(text).toString('ascii')).toBe(plain);
    }
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = encodeBase32(bytes);
        expect(encoded).toMatch(/^[A-Z2-7]*$/);
        expect(decodeBase32(encoded)).toEqual(Buffer.from(bytes));
        expect(decodeBase32(encoded.toLowerCase())).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('decodes then encodes any canonical text back to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = encodeBase32(bytes);
        expect(encodeBase32(decodeBase32(encoded))).toBe(encoded);
      }),
    );
  });

  it.each([
    ['a character outside the alphabet', 'MZXW1YQ'],
    ['the digit 0', 'MZX0'],
    ['the digit 8', 'MZX8'],
    ['a space', 'MZ XQ'],
    ['padding in the middle', 'MY=Q'],
    ['an impossible length', 'MZX'],
    ['a single character', 'M'],
    ['short padding', 'MY=='],
    ['padding alone', '========'],
    ['non-zero trailing bits', 'MZ'],
  ])('refuses %s', (_reason, text) => {
    expect(() => decodeBase32(text)).toThrow(InvalidBase32Error);
  });

  it('refuses any text holding a character outside the alphabet', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 16 }),
        fc.string({ minLength: 1, maxLength: 1 }).filter((char) => !/[A-Za-z2-7=]/.test(char)),
        (prefix, bad) => {
          expect(() => decodeBase32(`${bad}${prefix}`)).toThrow(InvalidBase32Error);
        },
      ),
    );
  });
});
