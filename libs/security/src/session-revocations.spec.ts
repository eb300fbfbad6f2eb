import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SessionRevocations } from './session-revocations';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('session revocations (real Redis)', () => {
  let redis: Redis;
  let revocations: SessionRevocations;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { keyPrefix: `test:${randomUUID()}:revoked:` });
    revocations = new SessionRevocations(redis);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('answers revoked at once, for as long as the session could hold a token', async () => {
    const sessionId = randomUUID();
    expect(await revocations.isRevoked(sessionId)).toBe(false);
    const now = new Date();
    await revocations.revoke(sessionId, new Date(now.getTime() + 600_000), now);
    expect(await revocations.isRevoked(sessionId)).toBe(true);
    const ttl = await redis.ttl(sessionId);
    expect(ttl).toBeGreaterThan(600);
    expect(ttl).toBeLessThanOrEqual(660);
  });

  it('records nothing for a session whose tokens have long expired', async () => {
    const sessionId = randomUUID();
    await revocations.revoke(sessionId, new Date(Date.now() - 3_600_000));
    expect(await revocations.isRevoked(sessionId)).toBe(false);
  });
});
