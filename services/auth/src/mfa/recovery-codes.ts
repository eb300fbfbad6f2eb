import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time recovery codes, shown once at TOTP activation, e.g. `7k2m-q9xd-0hwp`.
 *
 * Alphabet: Crockford's base32 in lower case (digits and letters without i, l, o, u), so nothing a person copies
 * by hand is ambiguous; on input o is read as 0 and i/l as 1, case, spaces and dashes are ignored. 32 symbols is
 * a power of two, so masking a random byte to 5 bits is uniform. 12 symbols = 60 bits per code.
 *
 * Storage: `sha256$<salt hex>$<digest hex>`, SHA-256 over a per-code random salt and the normalised code. A slow
 * password hash (argon2, bcrypt) exists to stretch secrets people choose, which are guessable; these codes are 60
 * uniformly random bits, so an offline search costs ~2^59 hashes per code on average, and the per-code salt stops
 * one search from attacking every stored code at once (without it, a million users' ten codes each would cut
 * that by 10^7). A recovery code also only works after the password, so SHA-256 is enough here and keeps
 * verification cheap. Codes are looked up among the user's own (at most ten) hashes, never by hash alone.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;
const CODE_LENGTH = GROUPS * GROUP_LENGTH;
const SALT_BYTES = 16;
const HASH_PREFIX = 'sha256';
export const RECOVERY_CODE_COUNT = 10;

export function generateRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    codes.add(generateRecoveryCode());
  }
  return [...codes];
}

function generateRecoveryCode(): string {
  const symbols = [...randomBytes(CODE_LENGTH)].map((byte) => ALPHABET[byte & 31]).join('');
  const groups: string[] = [];
  for (let start = 0; start < CODE_LENGTH; start += GROUP_LENGTH) {
    groups.push(symbols.slice(start, start + GROUP_LENGTH));
  }
  return groups.join('-');
}

/** The canonical form of a typed code, or null when it cannot be a recovery code at all. */
export function normaliseRecoveryCode(input: string): string | null {
  const canonical = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (canonical.length !== CODE_LENGTH || [...canonical].some((char) => !ALPHABET.includes(char))) {
    return null;
  }
  return canonical;
}

export function hashRecoveryCode(code: string): string {
  const canonical = normaliseRecoveryCode(code);
  if (canonical === null) {
    throw new RangeError('not a recovery code');
  }
  const salt = randomBytes(SALT_BYTES);
  return `${HASH_PREFIX}$${salt.toString('hex')}$${digest(salt, canonical).toString('hex')}`;
}

/**
 * The index in `storedHashes` of the hash that `input` matches, or -1. The caller deletes (or marks used) that
 * hash in the same transaction that signs the user in, which makes each code one-time. Every hash is checked,
 * matched or not, so timing does not reveal which one matched.
 */
export function findRecoveryCode(input: string, storedHashes: readonly string[]): number {
  const canonical = normaliseRecoveryCode(input);
  if (canonical === null) {
    return -1;
  }
  let found = -1;
  storedHashes.forEach((stored, index) => {
    if (matches(canonical, stored) && found === -1) {
      found = index;
    }
  });
  return found;
}

export function verifyRecoveryCode(input: string, storedHash: string): boolean {
  return findRecoveryCode(input, [storedHash]) === 0;
}

function matches(canonical: string, stored: string): boolean {
  const [prefix, saltHex, digestHex, ...rest] = stored.split('$');
  if (prefix !== HASH_PREFIX || saltHex === undefined || digestHex === undefined || rest.length > 0) {
    return false;
  }
  const expected = Buffer.from(digestHex, 'hex');
  const actual = digest(Buffer.from(saltHex, 'hex'), canonical);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function digest(salt: Buffer, canonical: string): Buffer {
  return createHash('sha256').update(salt).update(canonical, 'utf8').digest();
}
