import { createServer } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createTestNamespace, TEST_REDIS_URL } from '@kasho/testing';
import { Redis } from 'ioredis';
import { checkRedis, closeRedisClient, createRedisClient, RedisClient, RedisModule } from '../src';

const namespace = createTestNamespace('redis');
const clients: Redis[] = [];
let raw: Redis;

function client(suffix: string, extra: Partial<Parameters<typeof createRedisClient>[0]> = {}): RedisClient {
  const created = createRedisClient({ url: TEST_REDIS_URL, keyPrefix: `${namespace}${suffix}`, ...extra });
  clients.push(created);
  return created;
}

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(() => {
  raw = new Redis(TEST_REDIS_URL);
});

afterAll(async () => {
  const keys = await raw.keys(`${namespace}*`);
  if (keys.length > 0) await raw.del(...keys);
  await Promise.all(clients.map((each) => closeRedisClient(each)));
  await raw.quit();
});

describe('createRedisClient', () => {
  it('keeps clients with different prefixes from seeing each other’s keys', async () => {
    const auth = client('auth:', { connectionName: 'kasho-auth-test' });
    const payment = client('payment:');
    await auth.set('session:1', 'auth-value');
    await payment.set('session:1', 'payment-value');
    await payment.set('only-payment', 'x');

    expect(await auth.get('session:1')).toBe('auth-value');
    expect(await payment.get('session:1')).toBe('payment-value');
    expect(await auth.get('only-payment')).toBeNull();
    expect(await raw.get(`${namespace}auth:session:1`)).toBe('auth-value');
    expect(await raw.get(`${namespace}payment:session:1`)).toBe('payment-value');
    expect(await auth.client('GETNAME')).toBe('kasho-auth-test');
  });

  it('fails a request fast, instead of queueing it forever, when Redis is down', async () => {
    const errors: Error[] = [];
    const down = createRedisClient({
      url: `redis://127.0.0.1:${await closedPort()}`,
      keyPrefix: `${namespace}down:`,
      onError: (error) => errors.push(error),
    });
    clients.push(down);
    const started = Date.now();
    await expect(down.get('anything')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(errors.length).toBeGreaterThan(0);
    await closeRedisClient(down);
    expect(await checkRedis(down)).toBe(false);
  });
});

describe('checkRedis', () => {
  it('is true when Redis answers', async () => {
    expect(await checkRedis(client('health:'))).toBe(true);
  });

  it('is false, without hanging, against a closed port', async () => {
    const down = createRedisClient({
      url: `redis://127.0.0.1:${await closedPort()}`,
      keyPrefix: `${namespace}down:`,
      onError: () => undefined,
    });
    clients.push(down);
    const started = Date.now();
    expect(await checkRedis(down, 500)).toBe(false);
    expect(await checkRedis(down, 500)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('is false once the client is closed', async () => {
    const closing = client('closing:');
    expect(await checkRedis(closing)).toBe(true);
    await closeRedisClient(closing);
    expect(await checkRedis(closing)).toBe(false);
  });
});

describe('RedisModule', () => {
  it('provides the RedisClient and closes it on shutdown', async () => {
    @Module({ imports: [RedisModule.forRoot({ url: TEST_REDIS_URL, keyPrefix: `${namespace}module:` })] })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    const redis = app.get(RedisClient);
    expect(redis).toBeInstanceOf(RedisClient);
    await redis.set('k', 'v');
    expect(await raw.get(`${namespace}module:k`)).toBe('v');

    await app.close();
    expect(redis.status).toBe('end');
  });

  it('takes its options from injected config (forRootAsync)', async () => {
    const CONFIG = Symbol('CONFIG');
    @Module({ providers: [{ provide: CONFIG, useValue: { REDIS_URL: TEST_REDIS_URL } }], exports: [CONFIG] })
    class ConfigModule {}
    @Module({
      imports: [
        RedisModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (config: { REDIS_URL: string }) => ({
            url: config.REDIS_URL,
            keyPrefix: `${namespace}async:`,
          }),
        }),
      ],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    await app.get(RedisClient).set('k', 'async');
    expect(await raw.get(`${namespace}async:k`)).toBe('async');
    await app.close();
  });
});
