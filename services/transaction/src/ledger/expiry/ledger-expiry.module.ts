import { type DynamicModule, Module } from '@nestjs/common';
import { LedgerWriteModule } from '../write/ledger-write.module';
import { LedgerExpiryRepository } from './ledger-expiry.repository';
import {
  LEDGER_EXPIRY_OPTIONS,
  type LedgerExpiryOptions,
  LedgerExpiryService,
} from './ledger-expiry.service';

/** The job that voids pending transfers whose timeout passed. */
@Module({})
export class LedgerExpiryModule {
  static forRoot(options: LedgerExpiryOptions): DynamicModule {
    return {
      module: LedgerExpiryModule,
      imports: [LedgerWriteModule],
      providers: [
        { provide: LEDGER_EXPIRY_OPTIONS, useValue: options },
        LedgerExpiryRepository,
        LedgerExpiryService,
      ],
      exports: [LedgerExpiryService],
    };
  }
}
