import { parseSupportedCurrencies } from '@kasho/money';
import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AdminLedgerModule } from './admin/ledger';
import { AuthModule } from './auth';
import { type GatewayConfig } from './config';
import { CustomersModule } from './customers/customers.module';
import { EdgeModule, parseAllowedOrigins } from './edge';
import { IdempotencyModule } from './idempotency';
import { IdentityModule } from './identity/identity.module';
import { OAuthModule } from './oauth/oauth.module';
import { ProblemDetailsFilter } from './problems/problem-details.filter';
import { StatusModule } from './status/status.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: 'gateway', config, redis: true }),
        AuthModule.forRoot({
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
          redisUrl: config.REDIS_URL,
          revocationKeyPrefix: config.SESSION_REVOCATION_KEY_PREFIX,
          trustProxy: config.TRUST_PROXY,
        }),
        EdgeModule.forRoot({
          ipPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
          userPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
          trustProxy: config.TRUST_PROXY,
          corsAllowedOrigins: parseAllowedOrigins(config.CORS_ALLOWED_ORIGINS),
        }),
        IdempotencyModule.forRoot({ rpcTimeoutMs: config.RPC_TIMEOUT_MS }),
        StatusModule,
        IdentityModule,
        OAuthModule,
        AdminModule,
        AdminLedgerModule.forRoot({
          supportedCurrencies: parseSupportedCurrencies(config.SUPPORTED_CURRENCIES),
        }),
        CustomersModule.forRoot({
          supportedCurrencies: parseSupportedCurrencies(config.SUPPORTED_CURRENCIES),
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
