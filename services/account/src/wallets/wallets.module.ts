import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { BalanceCache } from './balance-cache';
import { LedgerClient } from './ledger.client';
import { LedgerEventsHandler } from './ledger-events.handler';
import { WalletRecoveryJob } from './wallet-recovery.job';
import { WalletsHandler } from './wallets.handler';
import { WalletsRepository } from './wallets.repository';
import { WalletsService } from './wallets.service';

/** Wallets over ledger accounts: opening (with crash recovery), balances (cached), statements, close, freeze. */
@Module({
  imports: [CustomersModule],
  providers: [
    WalletsRepository,
    LedgerClient,
    BalanceCache,
    WalletsService,
    WalletsHandler,
    LedgerEventsHandler,
    WalletRecoveryJob,
  ],
  exports: [WalletsRepository, WalletsService, LedgerClient],
})
export class WalletsModule {}
