import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@kasho/errors';
import { getOrCreateCounter } from '@kasho/observability';
import { RedisClient } from '@kasho/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { IDEMPOTENCY_OPTIONS, type IdempotencyOptions } from './idempotency.options';

/** Longest wait for Redis on the request path: an idempotency check must not hold a request hostage. */
const REDIS_TIMEOUT_MS = 500;

/** A request under this key is being worked on; `owner` tells this claim from a later one (after its lease ran out). */
export interface InFlightRecord {
  state: 'in_flight';
  fingerprint: string;
  owner: string;
}

/** The answer of a request that was worked on, replayed to a retry with the same key and the same request. */
export interface CompletedRecord {
  state: 'completed';
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyRecord = InFlightRecord | CompletedRecord;

export type ClaimOutcome = { claimed: true; owner: string } | { claimed: false; existing: IdempotencyRecord };

// Completes or releases a claim only while it is still ours: once the lease ran out and another request claimed
// the key, a slow first request must not overwrite (or delete) that one's record.
const SETTLE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, record = pcall(cjson.decode, current)
if not ok or type(record) ~= 'table' or record.state ~= 'in_flight' or record.owner ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`;
const SETTLE_COMMAND = 'kashoIdempotencySettle';

interface SettleCommand {
  [SETTLE_COMMAND](key: string, owner: string, record: string, ttlMs: number): Promise<number>;
}

/**
 * The idempotency records in Redis (under the gateway's key prefix): one key per (caller scope, Idempotency-Key),
 * holding either an in-flight claim with a lease or the completed answer for 24 h. Claiming is one atomic
 * `SET NX PX GET`: the first request gets the key, any other gets what is there. Fails closed: when Redis cannot
 * answer, the request is refused with 503 `service_unavailable` rather than run without its exactly-once promise.
 */
@Injectable()
export class IdempotencyStore {
  private readonly logger = new Logger('Idempotency');
  private readonly unchecked = getOrCreateCounter({
    name: 'kasho_gateway_idempotency_unavailable_total',
    help: 'Requests with an Idempotency-Key refused with 503 because the idempotency records could not be read.',
  });
  private failing = false;

  constructor(
    private readonly redis: RedisClient,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {
    if (!(SETTLE_COMMAND in redis))
      redis.defineCommand(SETTLE_COMMAND, { numberOfKeys: 1, lua: SETTLE_SCRIPT });
  }

  /** Claims `key` for a request with `fingerprint`, or answers the record already there. */
  async claim(key: string, fingerprint: string): Promise<ClaimOutcome> {
    const owner = randomUUID();
    const record: InFlightRecord = { state: 'in_flight', fingerprint, owner };
    let previous: string | null;
    try {
      // Between reconnection attempts a command would sit in the offline queue: refuse at once instead.
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      previous = await withTimeout(
        this.redis.set(key, JSON.stringify(record), 'PX', this.options.leaseMs, 'NX', 'GET'),
        REDIS_TIMEOUT_MS,
      );
    } catch (error) {
      this.unchecked.inc();
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(`idempotency records unreadable (refusing keyed requests): ${reasonOf(error)}`);
      }
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'This request cannot be made safely right now; try again shortly with the same Idempotency-Key.',
        { retryable: true },
      );
    }
    if (this.failing) {
      this.failing = false;
      this.logger.log('idempotency records readable again');
    }
    if (previous === null) return { claimed: true, owner };
    return { claimed: false, existing: parseRecord(previous) };
  }

  /** Replaces our claim by the answer, kept for the retention period (24 h). False when the claim was lost. */
  async complete(key: string, owner: string, record: CompletedRecord): Promise<boolean> {
    return this.settle(key, owner, JSON.stringify(record), this.options.retentionMs);
  }

  /** Gives the key back (nothing was done, or a retry may succeed): the next request with it runs afresh. */
  async release(key: string, owner: string): Promise<boolean> {
    return this.settle(key, owner, '', 0);
  }

  private async settle(key: string, owner: string, record: string, ttlMs: number): Promise<boolean> {
    const settle = (this.redis as unknown as SettleCommand)[SETTLE_COMMAND].bind(this.redis);
    return (await withTimeout(settle(key, owner, record, ttlMs), REDIS_TIMEOUT_MS)) === 1;
  }
}

function parseRecord(raw: string): IdempotencyRecord {
  const record = JSON.parse(raw) as IdempotencyRecord;
  if (record.state !== 'in_flight' && record.state !== 'completed')
    throw new Error('unreadable idempotency record');
  return record;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
