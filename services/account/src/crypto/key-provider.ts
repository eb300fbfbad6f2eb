import { createHash } from 'node:crypto';
import { open, seal } from './aes-gcm';

/**
 * Wraps and unwraps customers' data keys under a master key the service never stores next to the data. The local
 * implementation holds the master key in memory (from configuration); a cloud KMS implementation (AWS KMS
 * Encrypt/Decrypt, GCP KMS, Vault transit) replaces it without a change elsewhere, because nothing else ever sees
 * the master key. `keyId` names the master key a wrapped key was made with, so the master key can rotate.
 */
export interface KeyProvider {
  readonly keyId: string;
  wrap(dataKey: Buffer, context: string): Promise<Buffer>;
  unwrap(wrapped: Buffer, keyId: string, context: string): Promise<Buffer>;
}

export const KEY_PROVIDER = Symbol('KEY_PROVIDER');

/** The master key from configuration (`ACCOUNT_MASTER_KEY`/`_FILE`). */
export class LocalKeyProvider implements KeyProvider {
  readonly keyId: string;

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes');
    // A fingerprint, not the key: tells which master key wrapped a row without revealing it.
    this.keyId = `local:${createHash('sha256').update('kasho.account.master-key-id').update(masterKey).digest('hex').slice(0, 16)}`;
  }

  // async: a failure is a rejected promise, as it would be from a KMS, never a synchronous throw.
  // eslint-disable-next-line @typescript-eslint/require-await
  async wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    return seal(this.masterKey, dataKey, `wrap:${context}`);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async unwrap(wrapped: Buffer, keyId: string, context: string): Promise<Buffer> {
    if (keyId !== this.keyId) throw new Error(`data key wrapped by another master key (${keyId})`);
    return open(this.masterKey, wrapped, `wrap:${context}`);
  }
}
