import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type StoredTransfer } from '../engine/engine.types';
import { storedTransferOf, TRANSFER_COLUMNS, type TransferRow } from '../ledger-mappers';

const BY_IDS = `SELECT ${TRANSFER_COLUMNS} FROM "transfers" WHERE "id" = ANY($1::uuid[])`;

/** Transfer reads outside the write path (the writer has its own locked reads). */
@Injectable()
export class TransfersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByIds(ids: readonly string[]): Promise<StoredTransfer[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.query<TransferRow[]>(BY_IDS, [ids]);
    return rows.map(storedTransferOf);
  }
}
