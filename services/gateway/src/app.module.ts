import { PlatformModule } from '@kasho/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth';
import { type GatewayConfig } from './config';
import { ProblemDetailsFilter } from './problems/problem-details.filter';
import { StatusModule } from './status/status.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: 'gateway', config, redis: true }),
        AuthModule.forRoot({ issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
        StatusModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
