import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { BackofficeModule } from './backoffice/backoffice.module';
import { type AccountConfig } from './config';
import { AccountCoreModule } from './core/account-core.module';
import { CustomersModule } from './customers/customers.module';
import { accountSchema } from './database';
import { KycModule } from './kyc/kyc.module';
import { LimitsModule } from './limits/limits.module';
import { PrivacyModule } from './privacy/privacy.module';
import { RetentionModule } from './retention/retention.module';
import { WalletsModule } from './wallets/wallets.module';

@Module({})
export class AppModule {
  static forRoot(config: AccountConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'account',
          config,
          database: accountSchema,
          redis: true,
        }),
        AccountCoreModule.forRoot(config),
        CustomersModule,
        WalletsModule,
        KycModule,
        LimitsModule,
        PrivacyModule,
        BackofficeModule,
        RetentionModule,
      ],
    };
  }
}
