/**
 * A slice of a budget this gateway replica may hand out on its own, so that most requests of a client well within
 * its budget cost no Redis round trip. After each answer from Redis the replica may let through up to a tenth of
 * what Redis says is left, for at most a second; the requests it lets through that way are owed to Redis and
 * charged with the next check (when the slice is spent or has expired). Near the limit the slice is zero and every
 * request is checked in Redis, so a budget is still exact where it matters; far from it, N replicas can overshoot
 * by at most N tenths of what is left, for a second. Slices whose owner went quiet are charged by `drain`.
 */
export interface LocalSlice {
  /** Requests this replica may still let through without asking Redis. */
  allowance: number;
  /** Requests let through locally since the last check, to charge with the next one. */
  owed: number;
  /** What Redis said was left at the last check. */
  remaining: number;
  resetSeconds: number;
  limit: number;
  validUntil: number;
}

export const LOCAL_SHARE = 0.1;
export const SLICE_LIFETIME_MS = 1000;
/** Slices kept at most; beyond it the oldest are drained (their debt charged) and dropped. */
export const MAX_SLICES = 10_000;

export class LocalAllowances {
  private readonly slices = new Map<string, LocalSlice>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Lets one request through locally, or answers undefined: ask Redis (charging `claimOwed(key)`). */
  take(key: string, limit: number): { remaining: number; resetSeconds: number } | undefined {
    const slice = this.slices.get(key);
    if (!slice || slice.limit !== limit || slice.allowance <= 0 || this.clock() >= slice.validUntil)
      return undefined;
    slice.allowance -= 1;
    slice.owed += 1;
    return { remaining: Math.max(0, slice.remaining - slice.owed), resetSeconds: slice.resetSeconds };
  }

  /**
   * Closes `key`'s slice for a check in Redis and hands over what it owes, to be charged with that check. Closing
   * it means concurrent requests of the same key cannot charge the same debt twice.
   */
  claimOwed(key: string): number {
    const slice = this.slices.get(key);
    if (!slice) return 0;
    const owed = slice.owed;
    slice.owed = 0;
    slice.allowance = 0;
    return owed;
  }

  /** Records Redis's answer (the debt is now paid) and opens the next slice. */
  settle(
    key: string,
    limit: number,
    answer: { allowed: boolean; remaining: number; resetSeconds: number },
  ): void {
    const allowance = answer.allowed ? Math.floor(answer.remaining * LOCAL_SHARE) : 0;
    this.slices.delete(key);
    if (allowance <= 0) return;
    this.slices.set(key, {
      allowance,
      owed: 0,
      remaining: answer.remaining,
      resetSeconds: answer.resetSeconds,
      limit,
      validUntil: this.clock() + SLICE_LIFETIME_MS,
    });
  }

  /**
   * Takes the slices that expired (or overflow MAX_SLICES) out, with what they owe, for the caller to charge:
   * a client that stops sending still pays for what it was let through.
   */
  drain(everything = false): Array<{ key: string; limit: number; owed: number }> {
    const now = everything ? Infinity : this.clock();
    const drained: Array<{ key: string; limit: number; owed: number }> = [];
    let excess = this.slices.size - MAX_SLICES;
    for (const [key, slice] of this.slices) {
      if (now < slice.validUntil && excess <= 0) continue;
      excess -= 1;
      this.slices.delete(key);
      if (slice.owed > 0) drained.push({ key, limit: slice.limit, owed: slice.owed });
    }
    return drained;
  }

  get size(): number {
    return this.slices.size;
  }
}
