import { randomFillSync } from 'node:crypto';

// Random bytes come from a pool refilled in bulk: one syscall per 256 ids instead of one per id.
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolOffset = pool.length;

let lastMs = -1;
let counter = 0;

const HEX: string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids sort by creation time, which keeps
 * the inbox's primary-key index append-mostly. Within one millisecond the 12-bit `rand_a` field is a counter
 * (RFC 9562 method 1), so ids made by this process are strictly increasing.
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;

  let ms = now;
  if (ms <= lastMs) {
    counter += 1;
    ms = lastMs;
    if (counter > 0xfff) {
      // The counter ran out inside one millisecond: borrow the next one, as the RFC allows.
      ms += 1;
      counter = bytes[7] & 0x3f;
    }
  } else {
    // Seed with a random value in the lower half so that many increments still fit in this millisecond.
    counter = ((bytes[6] & 0x07) << 8) | bytes[7];
  }
  lastMs = ms;

  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);

  let out = '';
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]];
  }
  return out;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** The millisecond timestamp a v7 id carries. */
export function uuidv7Timestamp(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
