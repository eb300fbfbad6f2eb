import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

// IDX_pending_transfers_due: only rows still pending are in the index.
const DUE =
  'SELECT "id" FROM "pending_transfers" WHERE "status" = \'pending\' AND "expires_at" <= now() ' +
  'ORDER BY "expires_at" LIMIT $1';

@Injectable()
export class LedgerExpiryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Pending transfers whose timeout passed, oldest first. No lock: the writer's locks decide. */
  async due(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(DUE, [limit]);
    return rows.map((row) => row.id);
  }
}
