import { DomainError, ErrorCode } from '@kasho/errors';
import fc from 'fast-check';
import { isValidAmount, MAX_AMOUNT, parseAmount } from './amount';

function refusal(value: unknown, options = {}): DomainError {
  try {
    parseAmount(value, options);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('parseAmount', () => {
  it('accepts every canonical amount from 1 to 2^63-1 and answers it unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT }), (amount) => {
        expect(parseAmount(amount.toString())).toBe(amount.toString());
        expect(isValidAmount(amount.toString())).toBe(true);
      }),
    );
    expect(parseAmount('9223372036854775807')).toBe('9223372036854775807');
  });

  it.each([
    ['a JSON number', 1050],
    ['a bigint', 1050n],
    ['negative', '-1'],
    ['signed', '+1'],
    ['fractional', '10.50'],
    ['a comma', '10,50'],
    ['empty', ''],
    ['an exponent', '1e3'],
    ['leading zero', '0100'],
    ['double zero', '00'],
    ['padded', ' 100'],
    ['trailing newline', '100\n'],
    ['non-digit', '12a'],
    ['Arabic-Indic digits', '١٢٣'],
    ['full-width digits', '１２３'],
    ['missing', undefined],
    ['null', null],
    ['an object', { amount: '1' }],
    ['2^63', '9223372036854775808'],
    ['20 digits', '10000000000000000000'],
    ['zero where money moves', '0'],
  ])('refuses %s with 422 invalid_amount at the field', (_name, value) => {
    const error = refusal(value);
    expect(error.code).toBe(ErrorCode.InvalidAmount);
    expect(error.errors).toEqual([{ pointer: '/amount', detail: error.detail }]);
  });

  it('accepts "0" only when allowed, and names the pointer it is given', () => {
    expect(parseAmount('0', { allowZero: true })).toBe('0');
    expect(refusal('x', { pointer: '/minAmount' }).errors?.[0]?.pointer).toBe('/minAmount');
  });

  it('accepts exactly the strings that are canonical decimal integers in range (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[-+0-9.e ]{0,21}$/), fc.bigInt().map(String)),
        (text) => {
          const canonical =
            /^[0-9]+$/.test(text) &&
            BigInt(text).toString() === text &&
            BigInt(text) >= 1n &&
            BigInt(text) <= MAX_AMOUNT;
          expect(isValidAmount(text)).toBe(canonical);
          if (canonical) expect(parseAmount(text)).toBe(text);
          else expect(refusal(text).code).toBe(ErrorCode.InvalidAmount);
        },
      ),
    );
  });

  it('refuses every value that is not a string (property)', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((value) => typeof value !== 'string'),
        (value) => {
          expect(refusal(value).code).toBe(ErrorCode.InvalidAmount);
        },
      ),
    );
  });
});
