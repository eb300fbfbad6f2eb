export { registerEdgeHooks } from './edge-hooks';
export { EdgeModule } from './edge.module';
export { parseAllowedOrigins } from './edge-options';
export type { EdgeOptions } from './edge-options';
export { RateLimiter } from './rate-limiter';
export type { RateLimitDecision } from './rate-limiter';
export { UserBudget } from './user-budget';
