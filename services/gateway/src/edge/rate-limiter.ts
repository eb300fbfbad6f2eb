import { getOrCreateCounter } from '@kasho/observability';
import { RedisClient } from '@kasho/redis';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LocalAllowances, SLICE_LIFETIME_MS } from './local-allowances';

/** What one request costs a budget: whether it may pass, and what the RateLimit-* headers report. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the budget is whole again. */
  resetSeconds: number;
  /** Seconds to wait before the next request can pass; 0 when this one passed. */
  retryAfterSeconds: number;
}

const PERIOD_MS = 60_000;
/** A limiter that cannot answer this fast lets the request through: Redis is too slow to be worth waiting for. */
const REDIS_TIMEOUT_MS = 250;

// GCRA (generic cell rate algorithm): one key per budget holds the "theoretical arrival time" (TAT) of the next
// request; `limit` requests may arrive at once, then one per `period / limit`. Atomic and one round trip; the
// clock is Redis's own (TIME), so gateways with skewed clocks share budgets correctly. Times are milliseconds and
// may be fractional (60000 / 7), hence the half-millisecond tolerances. Replies: allowed (0/1), remaining,
// retry-after ms, reset ms.
// ARGV[3] is what a replica let through on its own since its last check (see LocalAllowances): charged first,
// unconditionally. ARGV[4] = 1 charges only that debt and decides nothing.
const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local owed = tonumber(ARGV[3]) or 0
local interval = period / limit
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
tat = tat + owed * interval
if ARGV[4] == '1' or owed > 0 then
  redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.max(1, math.ceil(tat - now)))
end
if ARGV[4] == '1' then return {1, 0, 0, 0} end
local next_tat = tat + interval
local allowed_at = next_tat - period
if allowed_at - now > 0.5 then
  return {0, 0, math.ceil(allowed_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now))
return {1, math.floor((now + period - next_tat) / interval + 0.001), 0, math.ceil(next_tat - now)}
`;

interface GcraCommand {
  kashoRateLimitGcra(
    key: string,
    limit: number,
    periodMs: number,
    owed: number,
    chargeOnly: 0 | 1,
  ): Promise<[number, number, number, number]>;
}

/**
 * Per-minute request budgets in Redis (under the gateway's key prefix). When Redis cannot answer, `consume`
 * answers `undefined` and the request goes through: rate limiting protects the API, so losing it for the length of
 * a Redis outage costs less than refusing every customer's payment while it lasts (fail open). The outage is
 * logged once and every request let through unchecked is counted in `kasho_gateway_rate_limit_unchecked_total`.
 * A client well within its budget is mostly let through from a local slice of it (see `LocalAllowances`), its
 * requests charged to Redis in arrears; near the limit every request is checked in Redis.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimits');
  private readonly unchecked = getOrCreateCounter({
    name: 'kasho_gateway_rate_limit_unchecked_total',
    help: 'Requests let through without a rate-limit check because Redis did not answer.',
  });
  private readonly refused = getOrCreateCounter({
    name: 'kasho_gateway_rate_limited_total',
    help: 'Requests refused with 429 because a rate-limit budget was spent.',
    labelNames: ['scope'] as const,
  });
  private failing = false;
  private readonly local = new LocalAllowances();
  // Charges the slices of clients that went quiet, so what they were let through is not forgotten.
  private readonly drainTimer = setInterval(() => this.chargeDrained(), SLICE_LIFETIME_MS).unref();

  constructor(private readonly redis: RedisClient) {
    if (!(GCRA_COMMAND in redis)) redis.defineCommand(GCRA_COMMAND, { numberOfKeys: 1, lua: GCRA_SCRIPT });
  }

  /**
   * Spends one request of `scope:subject`'s budget from this replica's local slice, synchronously; undefined when
   * there is none and only `consume` (Redis) can decide. The hot path of a client well within its budget: no
   * promise, no Redis.
   */
  consumeLocally(scope: string, subject: string, limit: number): RateLimitDecision | undefined {
    const local = this.local.take(`${scope}:${subject}`, limit);
    return local ? { allowed: true, limit, ...local, retryAfterSeconds: 0 } : undefined;
  }

  /** Spends one request of `scope:subject`'s budget of `limit` per minute. */
  async consume(scope: string, subject: string, limit: number): Promise<RateLimitDecision | undefined> {
    const locally = this.consumeLocally(scope, subject, limit);
    if (locally) return locally;
    const key = `${scope}:${subject}`;
    const owed = this.local.claimOwed(key);
    let reply: [number, number, number, number];
    try {
      // Between reconnection attempts a command would wait in the offline queue: do not hold requests for it.
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      reply = await withTimeout(this.gcra(key, limit, owed, 0), REDIS_TIMEOUT_MS);
    } catch (error) {
      this.unchecked.inc();
      if (!this.failing) {
        this.failing = true;
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`rate limits unchecked (failing open) while Redis does not answer: ${reason}`);
      }
      return undefined;
    }
    if (this.failing) {
      this.failing = false;
      this.logger.log('rate limits checked again: Redis answers');
    }
    const [allowed, remaining, retryAfterMs, resetMs] = reply;
    if (allowed !== 1) this.refused.inc({ scope });
    const decision = {
      allowed: allowed === 1,
      limit,
      remaining: Math.max(0, remaining),
      resetSeconds: Math.max(0, Math.ceil(resetMs / 1000)),
      retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    };
    this.local.settle(key, limit, decision);
    return decision;
  }

  onModuleDestroy(): void {
    clearInterval(this.drainTimer);
    this.chargeDrained(true);
  }

  private gcra(
    key: string,
    limit: number,
    owed: number,
    chargeOnly: 0 | 1,
  ): Promise<[number, number, number, number]> {
    return (this.redis as unknown as GcraCommand).kashoRateLimitGcra(
      `rate-limit:${key}`,
      limit,
      PERIOD_MS,
      owed,
      chargeOnly,
    );
  }

  private chargeDrained(everything = false): void {
    if (this.redis.status !== 'ready') return;
    for (const { key, limit, owed } of this.local.drain(everything)) {
      // Best effort: a lost charge lets a client that already went quiet through a little more, never less.
      this.gcra(key, limit, owed, 1).catch(() => undefined);
    }
  }
}

const GCRA_COMMAND = 'kashoRateLimitGcra';

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
