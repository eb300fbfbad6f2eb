import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The ledger accounts the account service opened for a customer: it names them in their metadata. */
@Injectable()
export class PrivacyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async walletAccountIds(customerId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      'SELECT "id" FROM "ledger_accounts" WHERE "type" = \'customer_wallet\' AND "metadata" ->> \'customerId\' = $1 ' +
        'ORDER BY "created_at", "id"',
      [customerId],
    );
    return rows.map((row) => row.id);
  }
}
