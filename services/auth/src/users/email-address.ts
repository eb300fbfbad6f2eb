/** The form an email is stored, looked up and throttled by: trimmed and lower-cased (NFC first). */
export function normaliseEmail(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

// A shape check, not RFC 5322: one @, a local part, a dotted domain, no spaces or control characters. Whether the
// address works is what the verification email proves.
const EMAIL_SHAPE = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}.]+(\.[^\s@\p{Cc}.]+)+$/u;
export const MAX_EMAIL_LENGTH = 254;

export function isEmailShaped(normalised: string): boolean {
  return normalised.length <= MAX_EMAIL_LENGTH && EMAIL_SHAPE.test(normalised);
}
