/** Route metadata of `@Idempotent()`: apart from the decorator, so the interceptor can read it without a cycle. */
export const IDEMPOTENT = 'kasho:idempotent';

export interface IdempotentOptions {
  /** Refuse a request without `Idempotency-Key` (400 `idempotency_key_required`): routes that move money. */
  required?: boolean;
}
