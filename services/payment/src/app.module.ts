import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type PaymentConfig } from './config';
import { paymentSchema } from './database';

@Module({})
export class AppModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'payment',
          config,
          database: paymentSchema,
          redis: true,
        }),
      ],
    };
  }
}
