import { RedisClient } from '@kasho/redis';
import { Injectable } from '@nestjs/common';

/** Wrong self-service codes (TOTP activation, disabling) one user may send per window before checks stop. */
export const MFA_CODE_FAILURE_LIMIT = 5;
export const MFA_CODE_FAILURE_WINDOW_SECONDS = 15 * 60;

// INCR, and start the window on the first failure only: a stream of guesses can neither extend nor reset it.
const RECORD_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

// Milliseconds left in the window once the limit is reached, else 0.
const WAIT_MS = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl`;

/**
 * Counts wrong TOTP codes per user in Redis (shared by every replica), so a stolen session cannot guess the code
 * that turns a pending factor on or the enabled one off: a six-digit code with a ±1-step window falls to about
 * 330 000 guesses, which the gateway's per-user request budget alone would allow within days. Past the limit an
 * attempt is refused without the code being looked at, until the window that the first failure opened ends.
 */
@Injectable()
export class MfaCodeThrottle {
  constructor(private readonly redis: RedisClient) {}

  /** Whole seconds until codes are checked again (0: go ahead). */
  async secondsToWait(userId: string): Promise<number> {
    const ms = Number(await this.redis.eval(WAIT_MS, 1, this.key(userId), MFA_CODE_FAILURE_LIMIT));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  async recordFailure(userId: string): Promise<void> {
    await this.redis.eval(RECORD_FAILURE, 1, this.key(userId), MFA_CODE_FAILURE_WINDOW_SECONDS);
  }

  /** A correct code: the user knows the secret, earlier typos no longer count. */
  async reset(userId: string): Promise<void> {
    await this.redis.del(this.key(userId));
  }

  private key(userId: string): string {
    return `mfa-code-failures:${userId}`;
  }
}
