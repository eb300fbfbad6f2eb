import { createHmac, timingSafeEqual } from 'node:crypto';

/** The HMAC hashes RFC 6238 allows. Kasho issues SHA1 (what every authenticator app supports). */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface HotpOptions {
  /** 6 (Kasho's) to 10; RFC 4226 requires at least 6. */
  digits?: number;
  algorithm?: OtpAlgorithm;
}

export const DEFAULT_DIGITS = 6;
export const DEFAULT_ALGORITHM: OtpAlgorithm = 'SHA1';

const NODE_HASH: Record<OtpAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** RFC 4226 HOTP: HMAC over the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(secret: Uint8Array, counter: number, options: HotpOptions = {}): string {
  const digits = options.digits ?? DEFAULT_DIGITS;
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) {
    throw new RangeError('digits must be an integer from 6 to 10');
  }
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError('counter must be a non-negative safe integer');
  }
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(NODE_HASH[options.algorithm ?? DEFAULT_ALGORITHM], secret)
    .update(message)
    .digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return (binary % 10 ** digits).toString().padStart(digits, '0');
}

/**
 * Compares a submitted code with an expected one without leaking, through timing, how many leading characters
 * matched. Only the length (public: it is the configured number of digits) may short-circuit.
 */
export function codesEqual(submitted: string, expected: string): boolean {
  const a = Buffer.from(submitted, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
