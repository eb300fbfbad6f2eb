/**
 * RFC 4648 section 6 base32, the encoding authenticator apps expect for TOTP secrets. Encoding emits no `=`
 * padding (otpauth URIs omit it); decoding is case-insensitive, accepts optional trailing padding and refuses
 * anything else: a wrong character, an impossible length or non-zero leftover bits (so one string means one key).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUES = new Map<string, number>([...ALPHABET].map((char, index) => [char, index]));
// Lengths (mod 8) that a whole number of bytes can produce: 0, 2, 4, 5 and 7 characters.
const VALID_REMAINDERS = new Set([0, 2, 4, 5, 7]);

export class InvalidBase32Error extends Error {
  override readonly name = 'InvalidBase32Error';
}

export function encodeBase32(bytes: Uint8Array): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      output += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) {
    output += ALPHABET[(buffer << (5 - bits)) & 31];
  }
  return output;
}

export function decodeBase32(text: string): Buffer {
  const unpadded = text.replace(/=+$/, '').toUpperCase();
  if (!VALID_REMAINDERS.has(unpadded.length % 8)) {
    throw new InvalidBase32Error('base32 text has an impossible length');
  }
  if (text.length !== unpadded.length && (unpadded.length === 0 || text.length % 8 !== 0)) {
    throw new InvalidBase32Error('base32 padding is malformed');
  }
  const bytes = Buffer.alloc(Math.floor((unpadded.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of unpadded) {
    const value = VALUES.get(char);
    if (value === undefined) {
      throw new InvalidBase32Error('base32 text holds a character outside A-Z and 2-7');
    }
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw new InvalidBase32Error('base32 text has non-zero trailing bits');
  }
  return bytes;
}
