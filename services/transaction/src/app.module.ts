import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type TransactionConfig } from './config';
import { transactionSchema } from './database';
import { AccountsModule } from './ledger/accounts/accounts.module';
import { LedgerExpiryModule } from './ledger/expiry/ledger-expiry.module';
import { LedgerReadsModule } from './ledger/reads';
import { TransfersModule } from './ledger/transfers/transfers.module';
import { PrivacyModule } from './privacy/privacy.module';

@Module({})
export class AppModule {
  static forRoot(config: TransactionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'transaction',
          config,
          database: transactionSchema,
          prefetch: config.LEDGER_RPC_PREFETCH,
          outbox: { claimDelayMs: config.LEDGER_OUTBOX_FALLBACK_DELAY_MS },
        }),
        AccountsModule,
        TransfersModule,
        LedgerReadsModule,
        PrivacyModule,
        LedgerExpiryModule.forRoot({ intervalMs: config.LEDGER_EXPIRY_INTERVAL_MS }),
      ],
    };
  }
}
