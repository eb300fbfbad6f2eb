import { type DynamicModule, Module } from '@nestjs/common';
import { EDGE_OPTIONS, type EdgeOptions } from './edge-options';
import { RateLimiter } from './rate-limiter';
import { UserBudget } from './user-budget';

/**
 * What the gateway does to every request before a feature sees it: rate limits (per IP in a hook, per user after
 * authentication), CORS and security headers. The Fastify hooks are registered by `registerEdgeHooks`.
 */
@Module({})
export class EdgeModule {
  static forRoot(options: EdgeOptions): DynamicModule {
    return {
      module: EdgeModule,
      // Global: the access-token guard (AuthModule) spends the per-user budget.
      global: true,
      providers: [{ provide: EDGE_OPTIONS, useValue: options }, RateLimiter, UserBudget],
      exports: [EDGE_OPTIONS, RateLimiter, UserBudget],
    };
  }
}
