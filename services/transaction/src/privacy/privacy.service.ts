import { type PrivacyExportRequest, type PrivacyExportSection, type StatementLine } from '@kasho/contracts';
import { Injectable } from '@nestjs/common';
import { LedgerReadsService } from '../ledger/reads/ledger-reads.service';
import { PrivacyRepository } from './privacy.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Statement lines exported per account at most (a pathological account would not fit one message otherwise). */
const MAX_EXPORT_LINES = 10_000;
const PAGE = 100;

/**
 * The ledger's part of the privacy contract. Export: the customer's wallet accounts (found by the `customerId`
 * the account service put in their metadata), their balances and statements. Erasure: nothing to erase — the
 * ledger holds amounts and pseudonymous ids only, and its history is immutable by design (regulators require it);
 * once the account service destroys the customer's key, nothing links those ids to a person.
 */
@Injectable()
export class PrivacyService {
  constructor(
    private readonly privacy: PrivacyRepository,
    private readonly reads: LedgerReadsService,
  ) {}

  async export(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    if (typeof request?.userId !== 'string' || !UUID.test(request.userId))
      return { service: 'transaction', data: {} };
    const accounts = [];
    for (const accountId of await this.privacy.walletAccountIds(request.userId)) {
      const balance = await this.reads.balance({ accountId });
      const lines: StatementLine[] = [];
      let cursor: string | undefined;
      let truncated = false;
      do {
        const page = await this.reads.statement({ accountId, limit: PAGE, ...(cursor ? { cursor } : {}) });
        lines.push(...page.data);
        cursor = page.nextCursor ?? undefined;
        if (lines.length >= MAX_EXPORT_LINES && cursor) truncated = true;
      } while (cursor && !truncated);
      accounts.push({ accountId, currency: balance.currency, balance, statement: lines, truncated });
    }
    return { service: 'transaction', data: { ledgerAccounts: accounts } };
  }
}
