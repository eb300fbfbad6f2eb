import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with argon2id (Node's built-in `crypto.argon2`), stored as a PHC string:
 * `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (unpadded standard base64, as the reference implementation
 * writes it). The parameters are OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane).
 */
export interface Argon2Parameters {
  /** Memory in KiB. */
  memory: number;
  passes: number;
  parallelism: number;
}

export interface ParsedPhc extends Argon2Parameters {
  salt: Buffer;
  hash: Buffer;
}

export const CURRENT_ARGON2_PARAMETERS: Readonly<Argon2Parameters> = {
  memory: 19456,
  passes: 2,
  parallelism: 1,
};
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const ARGON2_VERSION = 19;
const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export function encodePhc(parsed: ParsedPhc): string {
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  return (
    `$argon2id$v=${ARGON2_VERSION}$m=${parsed.memory},t=${parsed.passes},p=${parsed.parallelism}` +
    `$${b64(parsed.salt)}$${b64(parsed.hash)}`
  );
}

/** The parts of a stored argon2id PHC string, or null for anything else (another algorithm, a corrupt value). */
export function parsePhc(text: string): ParsedPhc | null {
  const match = PHC.exec(text);
  if (!match) return null;
  const [, version, memory, passes, parallelism, salt, hash] = match;
  if (Number(version) !== ARGON2_VERSION) return null;
  const parsed = {
    memory: Number(memory),
    passes: Number(passes),
    parallelism: Number(parallelism),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
  // Bounds keep a corrupt or hostile row from making one verification allocate gigabytes.
  if (parsed.memory < 8 || parsed.memory > 1 << 21 || parsed.passes < 1 || parsed.passes > 64) return null;
  if (
    parsed.parallelism < 1 ||
    parsed.parallelism > 16 ||
    parsed.salt.length < 8 ||
    parsed.hash.length < 16
  ) {
    return null;
  }
  return parsed;
}

/** True when the stored hash was made with weaker parameters than today's: re-hash it at the next sign-in. */
export function needsRehash(stored: string, current: Argon2Parameters = CURRENT_ARGON2_PARAMETERS): boolean {
  const parsed = parsePhc(stored);
  return (
    parsed === null ||
    parsed.memory < current.memory ||
    parsed.passes < current.passes ||
    parsed.hash.length < HASH_BYTES
  );
}

function derive(
  password: string,
  salt: Buffer,
  parameters: Argon2Parameters,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: Buffer.from(password, 'utf8'),
        nonce: salt,
        memory: parameters.memory,
        passes: parameters.passes,
        parallelism: parameters.parallelism,
        tagLength: length,
      },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * Hashes and verifies passwords. Callers pass the NFKC form (`checkPassword(...).password`), the same at
 * registration and at sign-in. `verifyDummy` spends the time of one verification on nothing, so an unknown email
 * costs what a wrong password costs.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly parameters: Argon2Parameters = CURRENT_ARGON2_PARAMETERS) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await derive(password, salt, this.parameters, HASH_BYTES);
    return encodePhc({ ...this.parameters, salt, hash });
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parsePhc(stored);
    if (!parsed) {
      await this.verifyDummy(password);
      return false;
    }
    const actual = await derive(password, parsed.salt, parsed, parsed.hash.length);
    return timingSafeEqual(actual, parsed.hash);
  }

  needsRehash(stored: string): boolean {
    return needsRehash(stored, this.parameters);
  }

  /** A verification against a fixed hash of a random password: always false, after the same work. */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(32).toString('base64url'));
    const stored = parsePhc(await this.dummy);
    if (stored) await derive(password, stored.salt, stored, stored.hash.length);
    return false;
  }
}
