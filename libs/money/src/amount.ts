import { DomainError, ErrorCode } from '@kasho/errors';

/** The largest amount a ledger column (PostgreSQL bigint) holds: 2^63 − 1 minor units. */
export const MAX_AMOUNT = 2n ** 63n - 1n;
const MAX_AMOUNT_TEXT = MAX_AMOUNT.toString();

// Digits only, no sign, no leading zero (a lone "0" aside), at most as many digits as 2^63 − 1.
const CANONICAL = /^(0|[1-9][0-9]{0,18})$/;

export interface ParseAmountOptions {
  /** "0" is refused wherever money moves (the default); a filter or a balance may allow it. */
  allowZero?: boolean;
  /** The JSON Pointer of the field in the request, for `errors[]` (default `/amount`). */
  pointer?: string;
}

/**
 * An amount as the API carries it (API.md, Conventions): a JSON string of digits in the currency's minor units,
 * canonical (no sign, no leading zero, no exponent, no spaces), at most 2^63 − 1. Anything else — a JSON number, a
 * negative, fractional, empty, signed, exponent, leading-zero, non-digit, missing or over-range value, and "0" unless
 * `allowZero` — is 422 `invalid_amount` naming the field. Answers the canonical string (the value itself).
 */
export function parseAmount(value: unknown, options: ParseAmountOptions = {}): string {
  const pointer = options.pointer ?? '/amount';
  if (typeof value !== 'string') {
    throw invalidAmount(
      pointer,
      value === undefined || value === null
        ? 'An amount is required: a string of digits in minor units.'
        : 'An amount is a string of digits in minor units, not a JSON number.',
    );
  }
  if (!CANONICAL.test(value))
    throw invalidAmount(
      pointer,
      'An amount is a string of digits in minor units, without sign or leading zero.',
    );
  if (value.length === MAX_AMOUNT_TEXT.length && value > MAX_AMOUNT_TEXT)
    throw invalidAmount(pointer, `An amount is at most ${MAX_AMOUNT_TEXT} minor units.`);
  if (value === '0' && options.allowZero !== true)
    throw invalidAmount(pointer, 'The amount must be greater than zero.');
  return value;
}

/** `parseAmount` as a bigint. */
export function parseAmountBigInt(value: unknown, options: ParseAmountOptions = {}): bigint {
  return BigInt(parseAmount(value, options));
}

/** Whether `value` is an amount `parseAmount` accepts, without throwing. */
export function isValidAmount(value: unknown, options: Omit<ParseAmountOptions, 'pointer'> = {}): boolean {
  return (
    typeof value === 'string' &&
    CANONICAL.test(value) &&
    !(value.length === MAX_AMOUNT_TEXT.length && value > MAX_AMOUNT_TEXT) &&
    (value !== '0' || options.allowZero === true)
  );
}

function invalidAmount(pointer: string, detail: string): DomainError {
  return new DomainError(ErrorCode.InvalidAmount, detail, { errors: [{ pointer, detail }] });
}
