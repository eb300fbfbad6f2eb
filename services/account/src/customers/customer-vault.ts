import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { open, seal } from '../crypto/aes-gcm';
import { KEY_PROVIDER, type KeyProvider } from '../crypto/key-provider';
import { CustomersRepository } from './customers.repository';

/** A customer's unwrapped data key, for the length of one request; never stored, cached or logged. */
export interface DataKey {
  customerId: string;
  key: Buffer;
}

/**
 * Envelope encryption of personal data: each customer has a random 256-bit data key, stored only wrapped by the
 * master key (`KeyProvider`). Values are sealed with AES-256-GCM under the data key, the customer id and the field
 * name bound in as additional data. Destroying the wrapped key (erasure) makes every sealed value unreadable.
 */
@Injectable()
export class CustomerVault {
  constructor(
    @Inject(KEY_PROVIDER) private readonly keys: KeyProvider,
    private readonly customers: CustomersRepository,
  ) {}

  /** Creates the customer's data key unless it has one (idempotent: a concurrent creation keeps the first). */
  async createKey(manager: EntityManager, customerId: string): Promise<void> {
    const dataKey = randomBytes(32);
    const wrappedKey = await this.keys.wrap(dataKey, customerId);
    await this.customers.insertKey(manager, { customerId, wrappedKey, masterKeyId: this.keys.keyId });
  }

  /** The data key, or null once destroyed (or never made). */
  async dataKey(manager: EntityManager, customerId: string): Promise<DataKey | null> {
    const row = await this.customers.findKey(manager, customerId);
    if (!row?.wrappedKey) return null;
    return { customerId, key: await this.keys.unwrap(row.wrappedKey, row.masterKeyId, customerId) };
  }

  async destroy(manager: EntityManager, customerId: string, now: Date): Promise<void> {
    await this.customers.destroyKey(manager, customerId, now);
  }

  sealJson(dataKey: DataKey, field: string, value: unknown): Buffer {
    return seal(dataKey.key, Buffer.from(JSON.stringify(value), 'utf8'), `${dataKey.customerId}:${field}`);
  }

  openJson<T>(dataKey: DataKey, field: string, sealed: Buffer): T {
    return JSON.parse(open(dataKey.key, sealed, `${dataKey.customerId}:${field}`).toString('utf8')) as T;
  }
}
