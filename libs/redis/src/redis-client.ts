import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * The service's Redis connection: an ioredis client whose every key is under the service's prefix. Also the Nest
 * injection token (`constructor(private readonly redis: RedisClient)`).
 *
 * ioredis prefixes the keys of commands, not SCAN/KEYS match patterns nor the key names those return.
 */
export class RedisClient extends Redis {}

export interface RedisClientOptions {
  /** `redis://[user:password@]host:6379[/db]` or `rediss://` for TLS. */
  url: string;
  /** Prepended to every key, e.g. `kasho:auth:`, so services sharing a Redis never see each other's keys. */
  keyPrefix: string;
  /** Shown by `CLIENT LIST`, e.g. `kasho-auth`. */
  connectionName?: string;
  /** Give up on one connection attempt after this long; 2 s by default. */
  connectTimeoutMs?: number;
  /** Reconnection attempts a command waits for before it fails; 2 by default, so requests fail fast when Redis is down. */
  maxRetriesPerRequest?: number;
  /** Connection errors. By default the first error of each outage is logged as a warning; the repeats are not. */
  onError?: (error: Error) => void;
}

const MAX_RECONNECT_DELAY_MS = 2000;

/** Reconnects forever (Redis coming back must heal the service), backing off to at most 2 s, with jitter. */
export function reconnectDelayMs(attempt: number): number {
  const ceiling = Math.min(MAX_RECONNECT_DELAY_MS, 50 * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function outageLogger(client: RedisClient, keyPrefix: string): (error: Error) => void {
  const logger = new Logger('Redis');
  let reported = false;
  client.on('ready', () => {
    reported = false;
  });
  return (error) => {
    if (reported) return;
    reported = true;
    logger.warn(`Redis connection for "${keyPrefix}" failed: ${error.message}; reconnecting`);
  };
}

/** Connects at once (not lazily); commands issued before the connection is ready are queued. */
export function createRedisClient(options: RedisClientOptions): RedisClient {
  const client = new RedisClient(options.url, {
    keyPrefix: options.keyPrefix,
    connectionName: options.connectionName,
    lazyConnect: false,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 2,
    retryStrategy: reconnectDelayMs,
    // How long a closing socket may linger before it is destroyed. ioredis arms this timer even when the socket is
    // already gone (closing between reconnection attempts), so it bounds how long shutdown keeps the process alive.
    disconnectTimeout: 500,
    // Commands issued in the same event-loop turn leave in one write: under load that turns one syscall per
    // request into one per turn (the gateway's rate-limit and revocation checks; measured with bench:rpc/auth).
    enableAutoPipelining: true,
  });
  // Without a listener ioredis prints every failed reconnection attempt itself.
  client.on('error', options.onError ?? outageLogger(client, options.keyPrefix));
  return client;
}

function isClosed(client: Redis): boolean {
  return client.status === 'end';
}

/**
 * Closes the connection: QUIT when connected (replies in flight are delivered), otherwise, or when QUIT takes longer
 * than `timeoutMs`, drops it. Never hangs on a Redis that is down. A
 * closed client must not be used again.
 */
export async function closeRedisClient(client: Redis, timeoutMs = 1000): Promise<void> {
  if (isClosed(client)) return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'reconnecting') {
    // Between attempts there is no socket whose closing would end the client: cancelling the next attempt is all.
    client.disconnect();
    return;
  }
  if (client.status === 'ready') {
    client.quit().catch(() => undefined);
  } else {
    client.disconnect();
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([ended, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  if (!isClosed(client)) client.disconnect();
}
