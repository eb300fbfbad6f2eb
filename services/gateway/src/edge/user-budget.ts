import { Inject, Injectable } from '@nestjs/common';
import { EDGE_OPTIONS, type EdgeOptions } from './edge-options';
import { rateLimitedError, setRateLimitHeaders } from './rate-limit-reply';
import { RateLimiter } from './rate-limiter';

interface LimitedReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * The per-user budget: every authenticated request spends one, whatever address it comes from and whether or not
 * it turns out to be allowed. The access-token guard spends it beside the session revocation check, so the two
 * Redis round trips overlap. The per-IP budget was spent earlier, in an onRequest hook, before any token was
 * looked at; the RateLimit-* headers report the tighter of the two.
 */
@Injectable()
export class UserBudget {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(EDGE_OPTIONS) private readonly options: EdgeOptions,
  ) {}

  /** Spends one request of `userId`'s budget; throws 429 `rate_limited` when it is spent. */
  async spend(userId: string, reply: LimitedReply): Promise<void> {
    const decision = await this.limiter.consume('user', userId, this.options.userPerMinute);
    if (decision === undefined) return;
    const ipRemaining = Number(reply.getHeader('ratelimit-remaining') ?? Infinity);
    if (!decision.allowed || decision.remaining <= ipRemaining) setRateLimitHeaders(reply, decision);
    if (!decision.allowed) throw rateLimitedError();
  }
}
