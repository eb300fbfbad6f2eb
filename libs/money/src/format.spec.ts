import fc from 'fast-check';
import { ISO_4217_CODES } from './iso-4217';
import { formatAmount, formatMoney, toMinorUnits } from './format';

describe('formatAmount', () => {
  it.each([
    ['1050', 'EUR', '10.50'],
    ['5', 'EUR', '0.05'],
    ['0', 'USD', '0.00'],
    ['-1050', 'GBP', '-10.50'],
    ['1050', 'JPY', '1050'],
    ['-5', 'BHD', '-0.005'],
    ['9223372036854775807', 'EUR', '92233720368547758.07'],
  ])('formats %s %s as %s', (minor, currency, expected) => {
    expect(formatAmount(minor, currency)).toBe(expected);
  });

  it('formats money with its code', () => {
    expect(formatMoney(1050n, 'EUR')).toBe('10.50 EUR');
  });

  it('refuses a non-integer or an unknown currency', () => {
    expect(() => formatAmount('10.5', 'EUR')).toThrow(RangeError);
    expect(() => formatAmount('1', 'XXX')).toThrow(RangeError);
  });

  it('round-trips through toMinorUnits for every currency (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.constantFrom(...ISO_4217_CODES),
        (minor, currency) => {
          expect(toMinorUnits(formatAmount(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });

  it('refuses more decimals than the currency has', () => {
    expect(toMinorUnits('10.5', 'EUR')).toBe(1050n);
    expect(() => toMinorUnits('10.505', 'EUR')).toThrow(RangeError);
    expect(() => toMinorUnits('1.5', 'JPY')).toThrow(RangeError);
  });
});
