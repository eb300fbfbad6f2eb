import { currencyExponent } from './currency';

/**
 * Minor units as a decimal in major units, exactly (no floats): `formatAmount('1050', 'EUR')` is "10.50",
 * `formatAmount(1050n, 'JPY')` "1050", `formatAmount('-5', 'BHD')` "-0.005". For display and logs only: the API
 * carries minor units.
 */
export function formatAmount(minor: string | bigint, currency: string): string {
  const value = typeof minor === 'bigint' ? minor : toBigInt(minor);
  const exponent = currencyExponent(currency);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const major = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  return `${negative ? '-' : ''}${major}.${fraction}`;
}

/** `formatMoney('1050', 'EUR')` is "10.50 EUR". */
export function formatMoney(minor: string | bigint, currency: string): string {
  return `${formatAmount(minor, currency)} ${currency}`;
}

/**
 * A decimal in major units ("10.5", "10.50", "-0.005") as minor units, exactly; more fraction digits than the
 * currency has, or anything that is not a plain decimal, throws. The inverse of `formatAmount`.
 */
export function toMinorUnits(major: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(major);
  if (match === null) throw new RangeError(`Not a decimal amount: ${major}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent)
    throw new RangeError(`${currency} has ${exponent} decimal places; got ${major}`);
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  return sign === '-' ? -minor : minor;
}

/** A signed integer string as the ledger writes it (an optional '-' and digits). */
function toBigInt(text: string): bigint {
  if (!/^-?[0-9]+$/.test(text)) throw new RangeError(`Not an integer amount: ${text}`);
  return BigInt(text);
}
