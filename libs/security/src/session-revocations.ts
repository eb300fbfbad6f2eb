/**
 * The list of revoked sessions the gateway consults on every authenticated request, so a revoked session's
 * access tokens stop working at once rather than at expiry. The auth service writes it (its database stays the
 * source of truth, and it re-writes recent revocations when it starts, in case Redis lost them); the gateway
 * reads it. An entry only has to outlive the longest-lived access token of the session, so each expires then.
 *
 * The Redis client given must use the shared key prefix (`SESSION_REVOCATION_KEY_PREFIX`, the same in both
 * services), not a service's own prefix.
 */
export interface RevocationStore {
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  exists(key: string): Promise<number>;
}

export const DEFAULT_SESSION_REVOCATION_KEY_PREFIX = 'kasho:revoked-session:';

/** Tolerated clock difference between the auth service and the gateway, added to every entry's lifetime. */
const CLOCK_SKEW_SECONDS = 60;

export class SessionRevocations {
  constructor(private readonly store: RevocationStore) {}

  /** Records that `sessionId` is revoked until every token it may hold has expired (`tokensValidUntil`). */
  async revoke(sessionId: string, tokensValidUntil: Date, now = new Date()): Promise<void> {
    const seconds = Math.ceil((tokensValidUntil.getTime() - now.getTime()) / 1000) + CLOCK_SKEW_SECONDS;
    if (seconds <= 0) return; // every token of the session has long expired: nothing left to refuse
    await this.store.set(sessionId, '1', 'EX', seconds);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.store.exists(sessionId)) === 1;
  }
}
