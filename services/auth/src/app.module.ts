import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AuthConfig } from './config';
import { authSchema } from './database';
import { KeysModule } from './keys';
import { AuditLogReadModule } from './audit-log';
import { OAuthModule } from './oauth';
import { CredentialsModule } from './credentials/credentials.module';
import { IdentityCoreModule } from './identity-core/identity-core.module';
import { IdentityRetentionModule } from './identity-retention/identity-retention.module';
import { LoginModule } from './login/login.module';
import { PrivacyModule } from './privacy/privacy.module';
import { SessionsModule } from './sessions/sessions.module';
import { TwoFactorModule } from './two-factor/two-factor.module';
import { UsersModule } from './users/users.module';

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
        IdentityCoreModule.forRoot(config),
        UsersModule,
        SessionsModule,
        LoginModule,
        TwoFactorModule,
        CredentialsModule,
        OAuthModule.forRoot(
          {
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            ttlSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
          },
          keys,
        ),
        AuditLogReadModule,
        IdentityRetentionModule,
        PrivacyModule,
      ],
    };
  }
}
