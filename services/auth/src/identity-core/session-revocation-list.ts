import { DomainError, ErrorCode } from '@kasho/errors';
import { closeRedisClient, type RedisClient } from '@kasho/redis';
import { SessionRevocations } from '@kasho/security';

/**
 * Writes the revocation list the gateway reads (@kasho/security `SessionRevocations`), on a Redis connection of its
 * own under the shared `SESSION_REVOCATION_KEY_PREFIX`, not the service's prefix. The database is the source of
 * truth and is written first; when Redis refuses, the caller's RPC fails retryable, so asking again re-writes it.
 */
export class SessionRevocationList {
  private readonly revocations: SessionRevocations;

  constructor(
    private readonly redis: RedisClient,
    private readonly accessTokenTtlSeconds: number,
  ) {
    this.revocations = new SessionRevocations(redis);
  }

  /** `revokedAt`: when the database revoked it; no access token of the session outlives revokedAt + TTL. */
  async publish(sessionIds: readonly string[], revokedAt: Date, now = new Date()): Promise<void> {
    const tokensValidUntil = new Date(revokedAt.getTime() + this.accessTokenTtlSeconds * 1000);
    try {
      await Promise.all(sessionIds.map((id) => this.revocations.revoke(id, tokensValidUntil, now)));
    } catch (error) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'The session was revoked, but the revocation could not be published yet; try again.',
        { retryable: true, cause: error },
      );
    }
  }

  async close(): Promise<void> {
    await closeRedisClient(this.redis);
  }
}
