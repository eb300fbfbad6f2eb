import { AuditLog } from '@kasho/audit';
import { Module } from '@nestjs/common';
import { LedgerWriteRepository } from './ledger-write.repository';
import { LedgerWriter } from './ledger-writer';

/** The ledger's one write path (group commit); transfers, admin transfers and the expiry job submit to it. */
@Module({
  providers: [LedgerWriteRepository, LedgerWriter, { provide: AuditLog, useValue: new AuditLog() }],
  exports: [LedgerWriter],
})
export class LedgerWriteModule {}
