import { Module } from '@nestjs/common';
import { LedgerReadsHandler } from './ledger-reads.handler';
import { LedgerReadsRepository } from './ledger-reads.repository';
import { LedgerReadsService } from './ledger-reads.service';
import { ReconciliationGauge } from './reconciliation-gauge';

/**
 * The ledger's read side: balances now and at a time, statements, the account list, the trial balance (also as the
 * reconciliation gauge on /metrics).
 */
@Module({
  providers: [LedgerReadsRepository, LedgerReadsService, LedgerReadsHandler, ReconciliationGauge],
  exports: [LedgerReadsService],
})
export class LedgerReadsModule {}
