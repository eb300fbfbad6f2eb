import { DEFAULT_PERIOD_SECONDS, encodeBase32 } from '@kasho/security';

export interface OtpauthUriInput {
  secret: Uint8Array;
  /** Shown by the authenticator app as the account's provider, e.g. "Kasho". */
  issuer: string;
  /** The user's identifier in that provider, e.g. their email address. */
  accountName: string;
}

/**
 * The Key URI Format authenticator apps scan from a QR code:
 * `otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`.
 * Parts are percent-encoded with encodeURIComponent (a space is %20, never '+', which some apps show
 * literally). The issuer may not hold a colon: apps split the label on the first one.
 */
export function buildOtpauthUri({ secret, issuer, accountName }: OtpauthUriInput): string {
  if (issuer.length === 0 || issuer.includes(':')) {
    throw new RangeError('issuer must be non-empty and hold no colon');
  }
  if (accountName.length === 0) {
    throw new RangeError('accountName must be non-empty');
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${encodeBase32(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    'digits=6',
    `period=${DEFAULT_PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
