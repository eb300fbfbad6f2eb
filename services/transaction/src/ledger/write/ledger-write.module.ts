import { AuditLog } from '@kasho/audit';
import { loadConfig } from '@kasho/config';
import { Module } from '@nestjs/common';
import { ledgerWriteEnv } from '../../config';
import { LedgerEventExpander } from '../events/ledger-event-expander';
import { LedgerWriteRepository } from './ledger-write.repository';
import { LEDGER_WRITER_OPTIONS, LedgerWriter, type LedgerWriterOptions } from './ledger-writer';

/**
 * The ledger's one write path (group commit); transfers, admin transfers and the expiry job submit to it. Its
 * events leave through one outbox reference row per batch, read back by LedgerEventExpander when needed.
 */
@Module({
  providers: [
    LedgerWriteRepository,
    LedgerWriter,
    LedgerEventExpander,
    { provide: AuditLog, useValue: new AuditLog() },
    {
      provide: LEDGER_WRITER_OPTIONS,
      // The service validated the whole environment at start (transactionEnv includes these settings).
      useFactory: (): LedgerWriterOptions => ({
        inFlight: loadConfig(ledgerWriteEnv).LEDGER_WRITE_IN_FLIGHT,
      }),
    },
  ],
  exports: [LedgerWriter],
})
export class LedgerWriteModule {}
