import { getOrCreateGauge } from '@kasho/observability';
import { Injectable, Logger } from '@nestjs/common';
import { LedgerReadsRepository } from './ledger-reads.repository';

/** How long one reading of the trial balance serves scrapes (it scans every account). */
export const RECONCILIATION_GAUGE_TTL_MS = 60_000;

// The gauge is process-wide (one registry); it reads through the latest ReconciliationGauge the process built.
let source: ReconciliationGauge | undefined;
const imbalanceGauge = getOrCreateGauge({
  name: 'kasho_ledger_reconciliation_imbalance_minor_units',
  help: 'Per currency, debits minus credits summed over every ledger account (0 when the ledger balances).',
  labelNames: ['currency', 'balance'] as const,
  collect: () => source?.refresh(),
});

/**
 * `kasho_ledger_reconciliation_imbalance_minor_units{currency, balance="posted"|"pending"}`: per currency, the sum
 * of debits minus the sum of credits over every account — always 0 in an intact ledger; what the
 * `KashoLedgerReconciliationNotZero` alert watches. Read when Prometheus scrapes, at most once a minute per replica.
 * A value beyond 2^53 is reported approximately (it is an alarm either way).
 */
@Injectable()
export class ReconciliationGauge {
  private readonly logger = new Logger('LedgerReconciliation');
  private readAt = 0;
  private reading: Promise<void> | undefined;

  constructor(private readonly ledger: LedgerReadsRepository) {
    readThrough(this);
  }

  refresh(): Promise<void> {
    if (Date.now() - this.readAt < RECONCILIATION_GAUGE_TTL_MS) return Promise.resolve();
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      const { rows } = await this.ledger.totalsNow();
      for (const row of rows) {
        imbalanceGauge.set(
          { currency: row.currency, balance: 'posted' },
          imbalance(row.debitsPosted, row.creditsPosted),
        );
        imbalanceGauge.set(
          { currency: row.currency, balance: 'pending' },
          imbalance(row.debitsPending, row.creditsPending),
        );
      }
      this.readAt = Date.now();
    } catch (error) {
      // The scrape still answers; the gauge keeps its last reading and the next scrape tries again.
      this.logger.warn(`trial balance not read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function readThrough(gauge: ReconciliationGauge): void {
  source = gauge;
}

function imbalance(debits: string, credits: string): number {
  return Number(BigInt(debits) - BigInt(credits));
}
