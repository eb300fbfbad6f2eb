import { RedisClient } from '@kasho/redis';
import { Injectable } from '@nestjs/common';

/** Failed token requests one client id may make per window before the endpoint stops checking its secret. */
export const CLIENT_FAILURE_LIMIT = 20;
export const CLIENT_FAILURE_WINDOW_SECONDS = 60;

// INCR, and start the window on the first failure only, so a steady stream of guesses cannot keep extending it
// past its first minute nor reset it.
const RECORD_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Counts failed client authentications per client id in Redis (shared by every replica), so a client secret cannot
 * be guessed online: past the limit the request is refused as `invalid_client` without looking at the secret.
 * Keyed by client id, not address, because the secret being guessed belongs to the client.
 */
@Injectable()
export class ClientTokenThrottle {
  constructor(private readonly redis: RedisClient) {}

  async isBlocked(clientId: string): Promise<boolean> {
    const count = await this.redis.get(this.key(clientId));
    return count !== null && Number(count) >= CLIENT_FAILURE_LIMIT;
  }

  async recordFailure(clientId: string): Promise<void> {
    await this.redis.eval(RECORD_FAILURE, 1, this.key(clientId), CLIENT_FAILURE_WINDOW_SECONDS);
  }

  private key(clientId: string): string {
    return `oauth:client-failures:${clientId}`;
  }
}
