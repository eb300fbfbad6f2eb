import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EDGE_OPTIONS, type EdgeOptions } from './edge-options';
import { RateLimiter } from './rate-limiter';
import { UserRateLimitGuard } from './user-rate-limit.guard';

/**
 * What the gateway does to every request before a feature sees it: rate limits (per IP in a hook, per user after
 * authentication), CORS and security headers. The Fastify hooks are registered by `registerEdgeHooks`.
 */
@Module({})
export class EdgeModule {
  static forRoot(options: EdgeOptions): DynamicModule {
    return {
      module: EdgeModule,
      providers: [
        { provide: EDGE_OPTIONS, useValue: options },
        RateLimiter,
        // After AuthModule's access-token guard: AppModule imports AuthModule first (see UserRateLimitGuard).
        { provide: APP_GUARD, useClass: UserRateLimitGuard },
      ],
      exports: [EDGE_OPTIONS, RateLimiter],
    };
  }
}
