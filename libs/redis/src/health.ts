import { type Redis } from 'ioredis';

/**
 * Readiness: true when Redis answers PING within `timeoutMs`. Never throws and never waits longer; a client that is
 * closed or between reconnection attempts is reported down at once.
 */
export async function checkRedis(client: Redis, timeoutMs = 500): Promise<boolean> {
  if (client.status === 'end' || client.status === 'close' || client.status === 'reconnecting') return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = client.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
