import { DomainError, ErrorCode } from '@kasho/errors';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, of, throwError } from 'rxjs';
import { type AuthenticatedRequest, ClientContexts } from '../auth';
import { type ClientRequest } from '../auth/request-context';
import { IDEMPOTENT, type IdempotentOptions } from './idempotent.metadata';
import { idempotencyKeyOf, idempotencyRecordKey, requestFingerprint } from './idempotency-key';
import {
  type ClaimedRequest,
  handlerCalls,
  IDEMPOTENCY_STATE,
  type IdempotentRequest,
} from './idempotency.state';
import { IdempotencyStore } from './idempotency.store';

type KeyedRequest = ClientRequest &
  AuthenticatedRequest &
  IdempotentRequest & { method: string; url: string; body?: unknown };

/**
 * `Idempotency-Key` on `@Idempotent()` routes (bound by the decorator: after the guards, so the caller is known;
 * before the pipes). Claims the caller's key in Redis, or answers what the key already holds: the stored answer (replayed
 * by the onSend hook), 409 while the first request runs, 422 for a different request. A refusal thrown before the
 * handler was called (the gateway's own validation) releases the key; so does a retryable failure (503/504, "try
 * again with the same key"). Everything else the route answers is stored by the onSend hook.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
    private readonly clients: ClientContexts,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT, context.getHandler());
    if (options === undefined || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const key = idempotencyKeyOf(request.headers['idempotency-key']);
    if (key === undefined) {
      if (options.required === true)
        throw new DomainError(
          ErrorCode.IdempotencyKeyRequired,
          'This operation needs an Idempotency-Key header (a unique key per operation, such as a UUID).',
        );
      return next.handle();
    }
    const recordKey = idempotencyRecordKey(this.scopeOf(request), key);
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const outcome = await this.store.claim(recordKey, fingerprint);
    if (!outcome.claimed) {
      const existing = outcome.existing;
      if (existing.fingerprint !== fingerprint)
        throw new DomainError(
          ErrorCode.IdempotencyKeyReused,
          'This Idempotency-Key was already used for a different request; use a new key for a new operation.',
        );
      if (existing.state === 'in_flight')
        throw new DomainError(
          ErrorCode.RequestInProgress,
          'A request with this Idempotency-Key is still being processed; try again shortly.',
        );
      request[IDEMPOTENCY_STATE] = { kind: 'replay', key, record: existing };
      // The onSend hook replaces this with the stored status, headers and body; the handler is not called.
      return of(undefined);
    }
    const claim: ClaimedRequest = {
      kind: 'claimed',
      key,
      recordKey,
      fingerprint,
      owner: outcome.owner,
      workBegan: false,
      release: false,
    };
    request[IDEMPOTENCY_STATE] = claim;
    // Nest binds the rest of the chain (pipes, handler) to the async context current here.
    return handlerCalls
      .run(claim, () => next.handle())
      .pipe(
        catchError((error: unknown) => {
          if (!claim.workBegan || (error instanceof DomainError && error.retryable)) claim.release = true;
          return throwError(() => error);
        }),
      );
  }

  /**
   * Whose key it is: the verified token's subject (and OAuth client) on a protected route; on a public one the
   * client address as the edge reads it, the best there is before sign-in (see the README on its weakness).
   */
  private scopeOf(request: KeyedRequest): string {
    const claims = request.accessToken;
    if (claims !== undefined)
      return claims.clientId === undefined ? `user:${claims.sub}` : `client:${claims.clientId}:${claims.sub}`;
    return `ip:${this.clients.of(request).ip}`;
  }
}
