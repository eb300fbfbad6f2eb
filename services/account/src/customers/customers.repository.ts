import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { CustomerKeyEntity } from './customer-key.entity';
import { CustomerEntity } from './customer.entity';

export interface PiiColumns {
  emailEnc?: Buffer | null;
  emailBidx?: Buffer | null;
  phoneBidx?: Buffer | null;
  /** Hex tokens of the name's words; `null` clears the search entry. */
  nameTokens?: string[] | null;
  profileEnc?: Buffer | null;
}

/** Customers and their wrapped data keys. Every method runs in the caller's transaction or read (`manager`). */
@Injectable()
export class CustomersRepository {
  /** True when this call created the row. */
  async insertIfMissing(manager: EntityManager, id: string, now: Date): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      'INSERT INTO "customers" ("id", "created_at", "updated_at") VALUES ($1, $2, $2) ' +
        'ON CONFLICT ("id") DO NOTHING RETURNING "id"',
      [id, now],
    );
    return rows.length === 1;
  }

  find(manager: EntityManager, id: string): Promise<CustomerEntity | null> {
    return manager.findOne(CustomerEntity, { where: { id } });
  }

  /** The row, locked until the transaction ends: every change to a customer (and its allowance) takes turns. */
  async lock(manager: EntityManager, id: string): Promise<CustomerEntity | null> {
    return manager
      .createQueryBuilder(CustomerEntity, 'c')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .getOne();
  }

  async updatePii(manager: EntityManager, id: string, columns: PiiColumns, now: Date): Promise<void> {
    const sets: string[] = ['"updated_at" = $2'];
    const params: unknown[] = [id, now];
    const add = (column: string, value: unknown, cast = ''): void => {
      params.push(value);
      sets.push(`"${column}" = $${params.length}${cast}`);
    };
    if (columns.emailEnc !== undefined) add('email_enc', columns.emailEnc);
    if (columns.emailBidx !== undefined) add('email_bidx', columns.emailBidx);
    if (columns.phoneBidx !== undefined) add('phone_bidx', columns.phoneBidx);
    if (columns.profileEnc !== undefined) add('profile_enc', columns.profileEnc);
    if (columns.nameTokens !== undefined) {
      params.push(columns.nameTokens === null ? null : columns.nameTokens.join(' '));
      sets.push(`"name_search" = to_tsvector('simple', $${params.length})`);
    }
    await manager.query(`UPDATE "customers" SET ${sets.join(', ')} WHERE "id" = $1`, params);
  }

  async setKyc(
    manager: EntityManager,
    id: string,
    status: CustomerEntity['kycStatus'],
    tier: CustomerEntity['kycTier'],
    now: Date,
  ): Promise<void> {
    await manager.update(CustomerEntity, { id }, { kycStatus: status, kycTier: tier, updatedAt: now });
  }

  /** Erasure: every blind index and search entry goes; the sealed values stay, unreadable without the key. */
  async markErased(manager: EntityManager, id: string, now: Date): Promise<void> {
    await manager.query(
      'UPDATE "customers" SET "status" = \'erased\', "email_bidx" = NULL, "phone_bidx" = NULL, ' +
        '"name_search" = NULL, "erased_at" = $2, "updated_at" = $2 WHERE "id" = $1',
      [id, now],
    );
  }

  async findByEmailBidx(manager: EntityManager, bidx: Buffer, limit: number): Promise<CustomerEntity[]> {
    return manager.find(CustomerEntity, {
      where: { emailBidx: bidx },
      take: limit,
      order: { createdAt: 'ASC' },
    });
  }

  async findByPhoneBidx(manager: EntityManager, bidx: Buffer, limit: number): Promise<CustomerEntity[]> {
    return manager.find(CustomerEntity, {
      where: { phoneBidx: bidx },
      take: limit,
      order: { createdAt: 'ASC' },
    });
  }

  /** Every token must be among the customer's name tokens (full-text match over the GIN index). */
  async findByNameTokens(manager: EntityManager, tokens: string[], limit: number): Promise<CustomerEntity[]> {
    const ids = await manager.query<Array<{ id: string }>>(
      'SELECT "id" FROM "customers" WHERE "name_search" @@ plainto_tsquery(\'simple\', $1) ' +
        'ORDER BY "created_at" LIMIT $2',
      [tokens.join(' '), limit],
    );
    if (ids.length === 0) return [];
    const rows = await manager
      .createQueryBuilder(CustomerEntity, 'c')
      .where('c.id IN (:...ids)', { ids: ids.map((row) => row.id) })
      .orderBy('c.created_at', 'ASC')
      .getMany();
    return rows;
  }

  async insertKey(
    manager: EntityManager,
    key: { customerId: string; wrappedKey: Buffer; masterKeyId: string },
  ) {
    await manager.query(
      'INSERT INTO "customer_keys" ("customer_id", "wrapped_key", "master_key_id") VALUES ($1, $2, $3) ' +
        'ON CONFLICT ("customer_id") DO NOTHING',
      [key.customerId, key.wrappedKey, key.masterKeyId],
    );
  }

  findKey(manager: EntityManager, customerId: string): Promise<CustomerKeyEntity | null> {
    return manager.findOne(CustomerKeyEntity, { where: { customerId } });
  }

  async destroyKey(manager: EntityManager, customerId: string, now: Date): Promise<void> {
    await manager.query(
      'UPDATE "customer_keys" SET "wrapped_key" = NULL, "destroyed_at" = COALESCE("destroyed_at", $2) ' +
        'WHERE "customer_id" = $1',
      [customerId, now],
    );
  }
}
