import { Module } from '@nestjs/common';
import { LedgerReadsHandler } from './ledger-reads.handler';
import { LedgerReadsRepository } from './ledger-reads.repository';
import { LedgerReadsService } from './ledger-reads.service';

/** The ledger's read side: balances now and at a time, statements, the account list, the trial balance. */
@Module({
  providers: [LedgerReadsRepository, LedgerReadsService, LedgerReadsHandler],
  exports: [LedgerReadsService],
})
export class LedgerReadsModule {}
