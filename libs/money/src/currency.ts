import { DomainError, ErrorCode } from '@kasho/errors';
import { ISO_4217_EXPONENTS } from './iso-4217';

/** What the platform supports when configuration says nothing (API.md: EUR, USD, GBP). */
export const DEFAULT_SUPPORTED_CURRENCIES: readonly string[] = Object.freeze(['EUR', 'USD', 'GBP']);

// Three ASCII capitals: a lower-case, padded or look-alike code (Cyrillic "Е", full-width "Ｅ") never matches.
const CODE = /^[A-Z]{3}$/;

/** Whether `code` is an active ISO 4217 code with a minor unit (XXX, XTS and the metals are not). */
export function isIsoCurrency(code: unknown): code is string {
  return typeof code === 'string' && CODE.test(code) && ISO_4217_EXPONENTS.has(code);
}

/** The ISO 4217 exponent of a currency (EUR 2, JPY 0, BHD 3); throws on a code that is not one. */
export function currencyExponent(code: string): number {
  const exponent = isIsoCurrency(code) ? ISO_4217_EXPONENTS.get(code) : undefined;
  if (exponent === undefined) throw new RangeError(`Not an ISO 4217 currency with a minor unit: ${code}`);
  return exponent;
}

/**
 * The supported currencies from a configuration value: a comma-separated list of ISO 4217 codes ("EUR,USD,GBP",
 * spaces around commas allowed); empty or absent means the default. Throws, naming the bad entry, on anything
 * that is not an active upper-case code or on a duplicate: configuration is checked once, at start-up.
 */
export function parseSupportedCurrencies(value: string | undefined): readonly string[] {
  if (value === undefined || value.trim() === '') return DEFAULT_SUPPORTED_CURRENCIES;
  const codes = value.split(',').map((entry) => entry.trim());
  const seen = new Set<string>();
  for (const code of codes) {
    if (!isIsoCurrency(code))
      throw new Error(
        `SUPPORTED_CURRENCIES: ${JSON.stringify(code)} is not an active upper-case ISO 4217 currency code`,
      );
    if (seen.has(code)) throw new Error(`SUPPORTED_CURRENCIES: "${code}" is listed twice`);
    seen.add(code);
  }
  return Object.freeze(codes);
}

export interface ParseCurrencyOptions {
  /** The codes accepted (default `DEFAULT_SUPPORTED_CURRENCIES`); each must also be an ISO 4217 code. */
  supported?: readonly string[] | ReadonlySet<string>;
  /** The JSON Pointer of the field in the request, for `errors[]` (default `/currency`). */
  pointer?: string;
}

/**
 * A currency as the API carries it: an upper-case ISO 4217 code the platform supports. Lower case, padded,
 * unknown, XXX, look-alike Unicode or a code that is valid but not supported is 422 `invalid_currency` naming the
 * field.
 */
export function parseCurrency(value: unknown, options: ParseCurrencyOptions = {}): string {
  const pointer = options.pointer ?? '/currency';
  const supported = options.supported ?? DEFAULT_SUPPORTED_CURRENCIES;
  if (typeof value !== 'string') throw invalidCurrency(pointer, 'A currency is required: an ISO 4217 code.');
  if (!isIsoCurrency(value))
    throw invalidCurrency(pointer, 'A currency is an upper-case ISO 4217 code such as "EUR".');
  const allowed = Array.isArray(supported)
    ? (supported as readonly string[]).includes(value)
    : (supported as ReadonlySet<string>).has(value);
  if (!allowed)
    throw invalidCurrency(pointer, `${value} is not supported; supported: ${[...supported].join(', ')}.`);
  return value;
}

function invalidCurrency(pointer: string, detail: string): DomainError {
  return new DomainError(ErrorCode.InvalidCurrency, detail, { errors: [{ pointer, detail }] });
}
