import { AsyncLocalStorage } from 'node:async_hooks';
import { type CompletedRecord } from './idempotency.store';

/** Where the interceptor leaves a keyed request's state on the (Fastify) request, for the onSend hook. */
export const IDEMPOTENCY_STATE = Symbol('kasho:idempotency');

/** This request holds the key: its answer is stored (or the key released) when it is sent. */
export interface ClaimedRequest {
  kind: 'claimed';
  key: string;
  recordKey: string;
  fingerprint: string;
  owner: string;
  /** The handler was called: past validation, work (an RPC) may have begun, so the answer must be kept. */
  workBegan: boolean;
  /** Give the key back instead of storing the answer (refused before work began, or a retryable failure). */
  release: boolean;
}

/** A retry of a completed request: the stored answer is sent instead of whatever the route would answer. */
export interface ReplayedRequest {
  kind: 'replay';
  key: string;
  record: CompletedRecord;
}

export type IdempotencyState = ClaimedRequest | ReplayedRequest;

export interface IdempotentRequest {
  [IDEMPOTENCY_STATE]?: IdempotencyState;
}

/**
 * The claim of the request being handled, visible to the handler wrapper that `@Idempotent()` installs. Nest runs
 * interceptors before pipes and calls the handler last: the wrapper marks the moment validation is over.
 */
export const handlerCalls = new AsyncLocalStorage<ClaimedRequest>();
