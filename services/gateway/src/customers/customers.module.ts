import { DEFAULT_SUPPORTED_CURRENCIES } from '@kasho/money';
import { type DynamicModule, Module } from '@nestjs/common';
import { SUPPORTED_CURRENCIES } from '../admin/ledger/admin-ledger.tokens';
import { AdminCustomersController } from '../admin/customers/admin-customers.controller';
import { AccountsController } from './accounts.controller';
import { KycController } from './kyc.controller';
import { OpenAccountBodyPipe } from './open-account-body.pipe';
import { ProfileController } from './profile.controller';
import { TransactionsController } from './transactions.controller';

export interface CustomersRoutesOptions {
  supportedCurrencies?: readonly string[];
}

/** The "Customers and accounts" routes of API.md and their back-office rows, forwarded to the account service. */
@Module({})
export class CustomersModule {
  static forRoot(options: CustomersRoutesOptions = {}): DynamicModule {
    return {
      module: CustomersModule,
      controllers: [
        ProfileController,
        KycController,
        AccountsController,
        TransactionsController,
        AdminCustomersController,
      ],
      providers: [
        OpenAccountBodyPipe,
        {
          provide: SUPPORTED_CURRENCIES,
          useValue: options.supportedCurrencies ?? DEFAULT_SUPPORTED_CURRENCIES,
        },
      ],
    };
  }
}
