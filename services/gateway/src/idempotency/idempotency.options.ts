/** DI token of `IdempotencyOptions`. */
export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

export interface IdempotencyOptions {
  /**
   * How long an in-flight claim holds its key: longer than any request can take (the RPC deadline), so a live
   * request never loses its key, yet short enough that a gateway that crashed mid-request frees it soon.
   */
  leaseMs: number;
  /** How long a completed answer is replayed (API.md: 24 h). */
  retentionMs: number;
}

/** Claims outlive the RPC deadline twice over and at least a minute. */
export function idempotencyOptions(rpcTimeoutMs: number): IdempotencyOptions {
  return { leaseMs: Math.max(60_000, 2 * rpcTimeoutMs), retentionMs: 24 * 60 * 60 * 1000 };
}
