import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AuthConfig } from './config';
import { authSchema } from './database';
import { KeysModule } from './keys';
import { AuditLogReadModule } from './audit-log';
import { OAuthModule } from './oauth';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    const keys = KeysModule.forRoot(config);
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          config,
          database: authSchema,
          redis: true,
        }),
        keys,
        OAuthModule.forRoot(
          {
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            ttlSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
          },
          keys,
        ),
        AuditLogReadModule,
      ],
    };
  }
}
