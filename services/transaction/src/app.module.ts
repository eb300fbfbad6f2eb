import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type TransactionConfig } from './config';
import { transactionEntities } from './database';
import { transactionMigrations } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: TransactionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'transaction',
          config,
          database: { entities: transactionEntities, migrations: transactionMigrations },
        }),
      ],
    };
  }
}
