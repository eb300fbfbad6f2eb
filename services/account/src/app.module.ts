import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AccountConfig } from './config';
import { accountSchema } from './database';

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
      ],
    };
  }
}
