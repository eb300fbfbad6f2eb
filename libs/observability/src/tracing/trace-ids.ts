import { randomFillSync } from 'node:crypto';

// W3C trace context ids from a pool of random bytes, refilled when spent: one system call per 512 trace ids
// instead of one per id. Not secrets: unpredictable enough that ids of different requests do not collide.
const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function randomHex(bytes: number): string {
  for (;;) {
    if (offset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const hex = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    // All zeros is the invalid id (W3C trace context): draw again.
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new 16-byte trace id, lowercase hex. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new 8-byte span id, lowercase hex. */
export function newSpanId(): string {
  return randomHex(8);
}
