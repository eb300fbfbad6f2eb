import { createHash } from 'node:crypto';
import { RedisClient } from '@kasho/redis';
import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../identity-core/auth-settings';
import { secondsUntilAllowed, type ThrottleSchedule } from './throttle-schedule';

export interface ThrottleSettings {
  account: ThrottleSchedule;
  ip: ThrottleSchedule;
  /** How long a counter survives its last failure. */
  windowSeconds: number;
}

export function throttleSettings(config: AuthConfig): ThrottleSettings {
  const maxDelaySeconds = config.AUTH_LOGIN_MAX_DELAY_SECONDS;
  return {
    account: { freeFailures: config.AUTH_LOGIN_DELAY_AFTER_FAILURES, maxDelaySeconds },
    ip: { freeFailures: config.AUTH_LOGIN_IP_DELAY_AFTER_FAILURES, maxDelaySeconds },
    windowSeconds: Math.max(3600, maxDelaySeconds * 2),
  };
}

/**
 * Failed sign-in counters in Redis, per account and per client address. The account key is a hash of the
 * normalised email, whether or not an account exists, so the throttle is no existence oracle and stores no email.
 */
@Injectable()
export class LoginThrottle {
  private readonly settings: ThrottleSettings;

  constructor(
    private readonly redis: RedisClient,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.settings = throttleSettings(config);
  }

  /** Seconds the caller must still wait (0: go ahead). */
  async secondsToWait(email: string, ip: string, now = Date.now()): Promise<number> {
    const [account, address] = await Promise.all([
      this.redis.hmget(accountKey(email), 'failures', 'last'),
      this.redis.hmget(ipKey(ip), 'failures', 'last'),
    ]);
    return Math.max(
      secondsUntilAllowed(Number(account[0] ?? 0), Number(account[1] ?? 0), now, this.settings.account),
      secondsUntilAllowed(Number(address[0] ?? 0), Number(address[1] ?? 0), now, this.settings.ip),
    );
  }

  async recordFailure(email: string, ip: string, now = Date.now()): Promise<void> {
    const window = this.settings.windowSeconds;
    await this.redis
      .multi()
      .hincrby(accountKey(email), 'failures', 1)
      .hset(accountKey(email), 'last', String(now))
      .expire(accountKey(email), window)
      .hincrby(ipKey(ip), 'failures', 1)
      .hset(ipKey(ip), 'last', String(now))
      .expire(ipKey(ip), window)
      .exec();
  }

  /** After a successful sign-in or a password reset. The address counter decays on its own. */
  async resetAccount(email: string): Promise<void> {
    await this.redis.del(accountKey(email));
  }
}

function accountKey(email: string): string {
  return `login-throttle:account:${createHash('sha256').update(email, 'utf8').digest('hex')}`;
}

function ipKey(ip: string): string {
  return `login-throttle:ip:${ip || 'unknown'}`;
}
