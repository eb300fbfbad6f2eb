import { Injectable } from '@nestjs/common';
import { type EntityManager, In, Not } from 'typeorm';
import { WalletEntity } from './wallet.entity';

export interface NewWallet {
  id: string;
  customerId: string;
  currency: string;
  nickname: string | null;
  ledgerAccountId: string;
  now: Date;
}

/**
 * Wallets. Reads on behalf of a customer take the owner's id, so a query for someone else's wallet finds nothing.
 * Every method runs in the caller's transaction or read (`manager`).
 */
@Injectable()
export class WalletsRepository {
  /** Inserts the wallet in `opening` unless its id exists; answers the stored row either way. */
  async insertOpening(manager: EntityManager, wallet: NewWallet): Promise<WalletEntity> {
    await manager.query(
      'INSERT INTO "wallets" ("id", "customer_id", "currency", "status", "nickname", "ledger_account_id", ' +
        '"created_at", "updated_at") VALUES ($1, $2, $3, \'opening\', $4, $5, $6, $6) ON CONFLICT ("id") DO NOTHING',
      [wallet.id, wallet.customerId, wallet.currency, wallet.nickname, wallet.ledgerAccountId, wallet.now],
    );
    const row = await manager.findOne(WalletEntity, { where: { id: wallet.id } });
    if (!row) throw new Error('wallet row vanished inside its transaction');
    return row;
  }

  /** The owner's wallet (not one still opening), or null: another customer's id finds nothing. */
  findOwned(manager: EntityManager, customerId: string, id: string): Promise<WalletEntity | null> {
    return manager.findOne(WalletEntity, { where: { id, customerId, status: Not('opening') } });
  }

  /** Any wallet by id, whoever owns it: for the payment service's checks and staff, never a customer's read. */
  find(manager: EntityManager, id: string): Promise<WalletEntity | null> {
    return manager.findOne(WalletEntity, { where: { id } });
  }

  /** Locked until the transaction ends. With `customerId`, only the owner's. */
  async lock(manager: EntityManager, id: string, customerId?: string): Promise<WalletEntity | null> {
    const query = manager
      .createQueryBuilder(WalletEntity, 'w')
      .setLock('pessimistic_write')
      .where('w.id = :id', { id });
    if (customerId !== undefined) query.andWhere('w.customer_id = :customerId', { customerId });
    return query.getOne();
  }

  listOwned(manager: EntityManager, customerId: string): Promise<WalletEntity[]> {
    return manager.find(WalletEntity, {
      where: { customerId, status: Not('opening') },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Every wallet of the customer, opening ones included (erasure, export, staff view). */
  listAll(manager: EntityManager, customerId: string): Promise<WalletEntity[]> {
    return manager.find(WalletEntity, { where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async setStatus(
    manager: EntityManager,
    id: string,
    from: WalletEntity['status'][],
    to: WalletEntity['status'],
    now: Date,
  ): Promise<WalletEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .update(WalletEntity)
      .set({ status: to, updatedAt: now, ...(to === 'closed' ? { closedAt: now } : {}) })
      .where({ id, status: In(from) })
      .returning('*')
      .execute();
    const raw = (result.raw as Array<Record<string, unknown>>)[0];
    if (!raw) return null;
    return manager.findOne(WalletEntity, { where: { id } });
  }

  /** Wallets a crash left in `opening`, oldest first, skipping those another replica is finishing. */
  async lockStaleOpening(manager: EntityManager, olderThan: Date, limit: number): Promise<WalletEntity[]> {
    return manager
      .createQueryBuilder(WalletEntity, 'w')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where("w.status = 'opening'")
      .andWhere('w.created_at < :olderThan', { olderThan })
      .orderBy('w.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }
}
