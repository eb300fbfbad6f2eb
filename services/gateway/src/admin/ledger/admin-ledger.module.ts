import { DEFAULT_SUPPORTED_CURRENCIES } from '@kasho/money';
import { type DynamicModule, Module } from '@nestjs/common';
import { AdminLedgerController } from './admin-ledger.controller';
import { SUPPORTED_CURRENCIES } from './admin-ledger.tokens';
import { AdminTransferBodyPipe } from './admin-transfer-body.pipe';

export interface AdminLedgerOptions {
  /** What an adjustment may move; `parseSupportedCurrencies` of the configuration (default EUR, USD, GBP). */
  supportedCurrencies?: readonly string[];
}

/** Back-office ledger routes: adjustments, the account list and the trial balance. */
@Module({
  controllers: [AdminLedgerController],
  providers: [
    AdminTransferBodyPipe,
    { provide: SUPPORTED_CURRENCIES, useValue: DEFAULT_SUPPORTED_CURRENCIES },
  ],
})
export class AdminLedgerModule {
  static forRoot(options: AdminLedgerOptions = {}): DynamicModule {
    return {
      module: AdminLedgerModule,
      providers: [
        {
          provide: SUPPORTED_CURRENCIES,
          useValue: options.supportedCurrencies ?? DEFAULT_SUPPORTED_CURRENCIES,
        },
      ],
    };
  }
}
