import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AuthConfig } from './config';
import { authEntities } from './database';
import { authMigrations } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          config,
          database: { entities: authEntities, migrations: authMigrations },
          redis: true,
        }),
      ],
    };
  }
}
