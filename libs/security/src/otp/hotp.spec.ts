import { codesEqual, hotp } from './hotp';

describe('hotp', () => {
  // RFC 4226 Appendix D: the ASCII secret "12345678901234567890", counters 0 to 9, 6 digits, HMAC-SHA-1.
  const secret = Buffer.from('12345678901234567890', 'ascii');
  const vectors = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];

  it.each(vectors.map((code, counter) => [counter, code]))('counter %i gives %s', (counter, code) => {
    expect(hotp(secret, counter)).toBe(code);
  });

  it('pads codes with leading zeros to the number of digits', () => {
    // Counter 1111111109 / 30 is RFC 6238's second row; its 8-digit code starts with a zero.
    expect(hotp(secret, Math.floor(1111111109 / 30), { digits: 8 })).toBe('07081804');
  });

  it('refuses a negative or fractional counter and too few or too many digits', () => {
    expect(() => hotp(secret, -1)).toThrow(RangeError);
    expect(() => hotp(secret, 1.5)).toThrow(RangeError);
    expect(() => hotp(secret, 0, { digits: 5 })).toThrow(RangeError);
    expect(() => hotp(secret, 0, { digits: 11 })).toThrow(RangeError);
  });

  it('compares codes exactly', () => {
    expect(codesEqual('755224', '755224')).toBe(true);
    expect(codesEqual('755225', '755224')).toBe(false);
    expect(codesEqual('75522', '755224')).toBe(false);
    expect(codesEqual('', '755224')).toBe(false);
  });
});
