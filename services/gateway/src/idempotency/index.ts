export { Idempotent, IdempotencyKey } from './idempotent.decorator';
export type { IdempotentOptions } from './idempotent.decorator';
export { IdempotencyModule } from './idempotency.module';
