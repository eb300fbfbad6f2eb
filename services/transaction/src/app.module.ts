import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type TransactionConfig } from './config';
import { transactionSchema } from './database';

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
        }),
      ],
    };
  }
}
