import { DomainError, ErrorCode } from '@kasho/errors';
import fc from 'fast-check';
import {
  currencyExponent,
  DEFAULT_SUPPORTED_CURRENCIES,
  isIsoCurrency,
  parseCurrency,
  parseSupportedCurrencies,
} from './currency';
import { ISO_4217_CODES } from './iso-4217';

function refusal(value: unknown, supported?: readonly string[]): DomainError {
  try {
    parseCurrency(value, supported ? { supported } : {});
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('ISO 4217 table', () => {
  it('knows the exponents that matter', () => {
    expect(
      Object.fromEntries(
        ['EUR', 'USD', 'GBP', 'JPY', 'KRW', 'ISK', 'BHD', 'KWD', 'JOD', 'OMR', 'TND', 'CLF', 'CHF'].map(
          (c) => [c, currencyExponent(c)],
        ),
      ),
    ).toEqual({
      EUR: 2,
      USD: 2,
      GBP: 2,
      JPY: 0,
      KRW: 0,
      ISK: 0,
      BHD: 3,
      KWD: 3,
      JOD: 3,
      OMR: 3,
      TND: 3,
      CLF: 4,
      CHF: 2,
    });
  });

  it('leaves out XXX, the test code, metals and fund units, and inherited object keys', () => {
    for (const code of ['XXX', 'XTS', 'XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XBA', 'XSU', 'XUA'])
      expect(isIsoCurrency(code)).toBe(false);
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(isIsoCurrency(key)).toBe(false);
    expect(() => currencyExponent('XXX')).toThrow(RangeError);
  });

  it('holds well over 150 three-letter upper-case codes, each with an exponent from 0 to 4', () => {
    expect(ISO_4217_CODES.length).toBeGreaterThan(150);
    for (const code of ISO_4217_CODES) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(currencyExponent(code));
    }
  });
});

describe('parseSupportedCurrencies', () => {
  it('defaults to EUR, USD, GBP', () => {
    expect(parseSupportedCurrencies(undefined)).toEqual(['EUR', 'USD', 'GBP']);
    expect(parseSupportedCurrencies('  ')).toBe(DEFAULT_SUPPORTED_CURRENCIES);
  });

  it('reads a comma-separated list', () => {
    expect(parseSupportedCurrencies('EUR, JPY,BHD')).toEqual(['EUR', 'JPY', 'BHD']);
  });

  it.each(['eur', 'EUR,XXX', 'EUR,', 'EUR,EUR', 'EURO', 'ЕUR'])('refuses %p, naming it', (value) => {
    expect(() => parseSupportedCurrencies(value)).toThrow(/SUPPORTED_CURRENCIES/);
  });
});

describe('parseCurrency', () => {
  it('accepts each supported code', () => {
    for (const code of DEFAULT_SUPPORTED_CURRENCIES) expect(parseCurrency(code)).toBe(code);
    expect(parseCurrency('JPY', { supported: new Set(['JPY']) })).toBe('JPY');
  });

  it.each([
    ['lower case', 'eur'],
    ['mixed case', 'Eur'],
    ['padded', ' EUR'],
    ['trailing space', 'EUR '],
    ['unknown', 'ABC'],
    ['XXX', 'XXX'],
    ['the test code', 'XTS'],
    ['Cyrillic look-alike', '\u0415UR'],
    ['full-width', 'ＥＵＲ'],
    ['with a zero-width space', 'EU\u200bR'],
    ['valid but not supported', 'JPY'],
    ['empty', ''],
    ['a number', 978],
    ['missing', undefined],
  ])('refuses %s with 422 invalid_currency at the field', (_name, value) => {
    const error = refusal(value);
    expect(error.code).toBe(ErrorCode.InvalidCurrency);
    expect(error.errors).toEqual([{ pointer: '/currency', detail: error.detail }]);
  });

  it('accepts exactly the supported codes among arbitrary strings (property)', () => {
    const supported = ['EUR', 'USD', 'GBP', 'JPY'];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 5 }),
          fc.constantFrom(...ISO_4217_CODES),
          fc.stringMatching(/^[A-Za-z]{3}$/),
        ),
        (text) => {
          if (supported.includes(text)) expect(parseCurrency(text, { supported })).toBe(text);
          else expect(refusal(text, supported).code).toBe(ErrorCode.InvalidCurrency);
        },
      ),
    );
  });
});
