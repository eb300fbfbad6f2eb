import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AuthConfig } from './config';
import { authSchema } from './database';
import { KeysModule } from './keys';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          config,
          database: authSchema,
          redis: true,
        }),
        KeysModule.forRoot(config),
      ],
    };
  }
}
