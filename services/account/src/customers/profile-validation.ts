import { type CustomerProfile, type PostalAddress } from '@kasho/contracts';
import { DomainError, ErrorCode, type FieldError } from '@kasho/errors';
import { normalizePhone } from '../crypto/blind-index';

const COUNTRY = /^[A-Z]{2}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.normalize('NFKC').trim();
  // eslint-disable-next-line no-control-regex -- control characters are refused on purpose
  if (trimmed.length === 0 || trimmed.length > max || /[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
  return trimmed;
}

/** A calendar date `YYYY-MM-DD` that exists, not in the future and after 1900. */
export function isPastDate(value: unknown, today = new Date()): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  return Number(match[1]) >= 1900 && date.getTime() <= today.getTime();
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function validText(value: unknown, max: number): string | undefined {
  return text(value, max);
}

export function isCountry(value: unknown): value is string {
  return typeof value === 'string' && COUNTRY.test(value);
}

function address(value: unknown, errors: FieldError[]): PostalAddress | undefined {
  if (!isRecord(value)) {
    errors.push({ pointer: '/address', detail: 'Must be an object or null.' });
    return undefined;
  }
  const known = new Set(['line1', 'line2', 'city', 'postalCode', 'country']);
  for (const key of Object.keys(value))
    if (!known.has(key)) errors.push({ pointer: `/address/${key}`, detail: 'Unknown field.' });
  const line1 = text(value.line1, 200);
  const city = text(value.city, 100);
  const postalCode = text(value.postalCode, 20);
  if (!line1) errors.push({ pointer: '/address/line1', detail: 'Required, 1 to 200 characters.' });
  if (!city) errors.push({ pointer: '/address/city', detail: 'Required, 1 to 100 characters.' });
  if (!postalCode) errors.push({ pointer: '/address/postalCode', detail: 'Required, 1 to 20 characters.' });
  if (!isCountry(value.country))
    errors.push({ pointer: '/address/country', detail: 'An ISO 3166-1 alpha-2 code such as FR.' });
  let line2: string | undefined;
  if (value.line2 !== undefined && value.line2 !== null) {
    line2 = text(value.line2, 200);
    if (!line2) errors.push({ pointer: '/address/line2', detail: 'At most 200 characters.' });
  }
  if (!line1 || !city || !postalCode || !isCountry(value.country)) return undefined;
  return { line1, ...(line2 ? { line2 } : {}), city, postalCode, country: value.country };
}

/** The changes of a profile PATCH, validated and normalised; any problem is 422 naming each field. */
export function parseProfileChanges(input: unknown): Partial<CustomerProfile> {
  const errors: FieldError[] = [];
  if (!isRecord(input)) throw new DomainError(ErrorCode.ValidationFailed, 'The profile is not valid.');
  const changes: Partial<CustomerProfile> = {};
  for (const key of Object.keys(input)) {
    if (!['fullName', 'phone', 'address', 'dateOfBirth'].includes(key))
      errors.push({ pointer: `/${key}`, detail: 'Unknown field.' });
  }
  if (input.fullName !== undefined) {
    if (input.fullName === null) changes.fullName = null;
    else {
      const fullName = text(input.fullName, 200);
      if (fullName) changes.fullName = fullName;
      else errors.push({ pointer: '/fullName', detail: '1 to 200 characters, or null.' });
    }
  }
  if (input.phone !== undefined) {
    if (input.phone === null) changes.phone = null;
    else {
      const phone = typeof input.phone === 'string' ? normalizePhone(input.phone) : null;
      if (phone) changes.phone = phone;
      else
        errors.push({ pointer: '/phone', detail: 'An international number such as +33612345678, or null.' });
    }
  }
  if (input.address !== undefined) {
    if (input.address === null) changes.address = null;
    else {
      const parsed = address(input.address, errors);
      if (parsed) changes.address = parsed;
    }
  }
  if (input.dateOfBirth !== undefined) {
    if (input.dateOfBirth === null) changes.dateOfBirth = null;
    else if (isPastDate(input.dateOfBirth)) changes.dateOfBirth = input.dateOfBirth;
    else errors.push({ pointer: '/dateOfBirth', detail: 'A past date YYYY-MM-DD, or null.' });
  }
  if (errors.length > 0)
    throw new DomainError(ErrorCode.ValidationFailed, 'The profile is not valid.', { errors });
  return changes;
}
