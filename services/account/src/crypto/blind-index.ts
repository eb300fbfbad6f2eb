import { createHmac } from 'node:crypto';

/** Bytes of a name-word token kept: short enough that distinct words collide now and then (k-anonymity helps). */
const NAME_TOKEN_HEX = 16;

/**
 * Keyed hashes (HMAC-SHA-256 under `ACCOUNT_BLIND_INDEX_KEY`, distinct from the master key) that let the service
 * find a customer by an exact email or phone, or by words of a name, without a plaintext column. Each kind has its
 * own domain prefix, so an email hash never equals a phone hash. Without the key the hashes reveal nothing beyond
 * equality; with the key an attacker can only confirm guesses, as with any searchable index.
 */
export class BlindIndex {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('the blind-index key must be 32 bytes');
  }

  email(email: string): Buffer {
    return this.mac('email', normalizeEmail(email));
  }

  /** `null` when the text is not a phone number. */
  phone(phone: string): Buffer | null {
    const normalized = normalizePhone(phone);
    return normalized === null ? null : this.mac('phone', normalized);
  }

  /** Hex tokens of each distinct word of a name (NFKD, accents stripped, lower case), for full-text search. */
  nameTokens(name: string): string[] {
    return [...new Set(nameWords(name))].map((word) =>
      this.mac('name', word)
        .subarray(0, NAME_TOKEN_HEX / 2)
        .toString('hex'),
    );
  }

  private mac(kind: string, value: string): Buffer {
    return createHmac('sha256', this.key).update(`kasho.account.${kind}\0`).update(value, 'utf8').digest();
  }
}

export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** Digits with a leading `+` (E.164 shape, 8–15 digits); spaces, dots, dashes and brackets are ignored. */
export function normalizePhone(phone: string): string | null {
  const compact = phone.normalize('NFKC').replace(/[\s.\-()]/g, '');
  return /^\+[1-9][0-9]{7,14}$/.test(compact) ? compact : null;
}

export function nameWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}
