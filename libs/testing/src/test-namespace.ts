import { randomBytes } from 'node:crypto';

/** The RabbitMQ broker tests use; every run isolates itself with a name prefix on its exchanges and queues. */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique prefix (`t.<label>.<random>.`) for exchange, queue and Redis key names of one test run. */
export function createTestNamespace(label = 'run'): string {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 20);
  return `t.${safeLabel}.${randomBytes(4).toString('hex')}.`;
}
