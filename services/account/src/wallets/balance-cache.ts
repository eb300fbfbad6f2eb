import { type WalletBalance } from '@kasho/contracts';
import { RedisClient } from '@kasho/redis';
import { Inject, Injectable } from '@nestjs/common';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';

/** How long a generation counter outlives its last bump (far beyond any read in flight). */
const GENERATION_TTL_SECONDS = 7 * 86_400;

// Writes the value only if no invalidation happened since the reader read the generation: a reader that fetched
// a balance before a transfer's event was consumed can never put that older balance back.
const SET_IF_GENERATION = `
local current = redis.call('GET', KEYS[1]) or ''
if current == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0`;

type CacheRedis = RedisClient & {
  kashoSetIfGeneration(
    generationKey: string,
    valueKey: string,
    generation: string,
    value: string,
    ttl: number,
  ): Promise<number>;
};

/**
 * Wallet balances cached in Redis, keyed by ledger account. Invalidation is by generation: the ledger events'
 * consumer bumps the account's generation and deletes the value; a reader reads the generation *before* asking the
 * ledger and stores what it got only if the generation is unchanged (one Lua script). So a read that starts after an
 * event was consumed always reaches the ledger or a value written after that event; a redelivered event only bumps
 * the generation again (a harmless miss).
 */
@Injectable()
export class BalanceCache {
  private readonly redis: CacheRedis;

  constructor(
    redis: RedisClient,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
  ) {
    if (!('kashoSetIfGeneration' in redis))
      redis.defineCommand('kashoSetIfGeneration', { numberOfKeys: 2, lua: SET_IF_GENERATION });
    this.redis = redis as CacheRedis;
  }

  async read(ledgerAccountId: string, load: () => Promise<WalletBalance>): Promise<WalletBalance> {
    const cached = await this.redis.get(valueKey(ledgerAccountId));
    if (cached !== null) return JSON.parse(cached) as WalletBalance;
    const generation = (await this.redis.get(generationKey(ledgerAccountId))) ?? '';
    const balance = await load();
    await this.redis.kashoSetIfGeneration(
      generationKey(ledgerAccountId),
      valueKey(ledgerAccountId),
      generation,
      JSON.stringify(balance),
      this.config.ACCOUNT_BALANCE_CACHE_TTL_SECONDS,
    );
    return balance;
  }

  async invalidate(ledgerAccountIds: readonly string[]): Promise<void> {
    const multi = this.redis.multi();
    for (const id of ledgerAccountIds) {
      multi.incr(generationKey(id));
      multi.expire(generationKey(id), GENERATION_TTL_SECONDS);
      multi.del(valueKey(id));
    }
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw new Error('balance cache invalidation failed');
  }
}

function valueKey(ledgerAccountId: string): string {
  return `balance:${ledgerAccountId}`;
}

function generationKey(ledgerAccountId: string): string {
  return `balance-generation:${ledgerAccountId}`;
}
