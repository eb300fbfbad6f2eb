import { DomainError, ErrorCode } from '@kasho/errors';
import { getOrCreateCounter } from '@kasho/observability';
import { closeRedisClient, type RedisClient } from '@kasho/redis';
import { SessionRevocations } from '@kasho/security';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SESSION_REVOCATION_REDIS } from './auth.tokens';

/** Longest wait for Redis before the request is refused: a revocation check must not hold requests hostage. */
const REDIS_TIMEOUT_MS = 500;

/**
 * Asks the revocation list (written by the auth service, under the shared key prefix, on its own Redis
 * connection) whether a session is revoked: one EXISTS per authenticated request. Unlike the rate limiter it fails
 * closed: when Redis cannot answer, the request is refused with 503 `service_unavailable` rather than letting a
 * possibly revoked token through. Counted in `kasho_gateway_revocation_unchecked_total`.
 */
@Injectable()
export class SessionRevocationCheck implements OnApplicationShutdown {
  private readonly logger = new Logger('SessionRevocations');
  private readonly revocations: SessionRevocations;
  private readonly unchecked = getOrCreateCounter({
    name: 'kasho_gateway_revocation_unchecked_total',
    help: 'Authenticated requests refused with 503 because the session revocation list could not be read.',
  });
  private failing = false;

  constructor(@Inject(SESSION_REVOCATION_REDIS) private readonly redis: RedisClient) {
    this.revocations = new SessionRevocations(redis);
  }

  /** True when `sessionId` is revoked; throws 503 `service_unavailable` when that cannot be known. */
  async isRevoked(sessionId: string): Promise<boolean> {
    let revoked: boolean;
    try {
      // Between reconnection attempts a command would sit in the offline queue: refuse at once instead.
      const status = this.redis.status;
      if (status === 'reconnecting' || status === 'end' || status === 'close')
        throw new Error(`Redis connection is ${status}`);
      revoked = await withTimeout(this.revocations.isRevoked(sessionId), REDIS_TIMEOUT_MS);
    } catch (error) {
      this.unchecked.inc();
      if (!this.failing) {
        this.failing = true;
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`session revocations unreadable (refusing authenticated requests): ${reason}`);
      }
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'Your sign-in cannot be checked right now; try again shortly.',
        { retryable: true },
      );
    }
    if (this.failing) {
      this.failing = false;
      this.logger.log('session revocations readable again');
    }
    return revoked;
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedisClient(this.redis);
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
