import { Module } from '@nestjs/common';
import { LedgerWriteModule } from '../write/ledger-write.module';
import { TransfersHandler } from './transfers.handler';
import { TransfersRepository } from './transfers.repository';
import { TransfersService } from './transfers.service';

/** transfers.create, transfers.lookup and transfers.admin-create. */
@Module({
  imports: [LedgerWriteModule],
  providers: [TransfersRepository, TransfersService, TransfersHandler],
})
export class TransfersModule {}
