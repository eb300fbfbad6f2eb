import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type PaymentConfig } from './config';
import { paymentEntities } from './database';
import { paymentMigrations } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'payment',
          config,
          database: { entities: paymentEntities, migrations: paymentMigrations },
          redis: true,
        }),
      ],
    };
  }
}
