import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TEST_AMQP_URL, TEST_POSTGRES_URL, TEST_REDIS_URL } from '@kasho/testing';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import Redis from 'ioredis';
import { Pool } from 'pg';
import {
  HealthController,
  HealthModule,
  HealthService,
  type HealthCheck,
  IS_PUBLIC,
  rabbitmqHealthCheck,
} from '../src';

const postgresCheck = (pool: Pool, name = 'postgres'): HealthCheck => ({
  name,
  check: async () => (await pool.query('select 1'), true),
});

async function start(module: DynamicModule): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  @Module({ imports: [module] })
  class TestModule {}
  const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: await app.getUrl() };
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('health endpoints (Nest on Fastify)', () => {
  const state = { redis: true, rabbitmq: true, hang: false };
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, baseUrl } = await start(
      HealthModule.forRoot({
        timeoutMs: 300,
        checks: [
          { name: 'redis', check: () => Promise.resolve(state.redis) },
          {
            name: 'rabbitmq',
            check: () =>
              state.rabbitmq ? Promise.resolve(true) : Promise.reject(new Error('channel closed')),
          },
          {
            name: 'slow',
            check: () => (state.hang ? new Promise<boolean>(() => undefined) : Promise.resolve(true)),
          },
        ],
      }),
    ));
  });

  afterEach(() => Object.assign(state, { redis: true, rabbitmq: true, hang: false }));

  afterAll(async () => {
    await app.close();
  });

  it('answers live while the event loop runs', async () => {
    expect(await get(`${baseUrl}/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers ready 200 when every check passes', async () => {
    expect(await get(`${baseUrl}/health/ready`)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { redis: 'up', rabbitmq: 'up', slow: 'up' } },
    });
  });

  it('answers ready 503 naming the failing checks', async () => {
    state.redis = false;
    state.rabbitmq = false;
    expect(await get(`${baseUrl}/health/ready`)).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { redis: 'down', rabbitmq: 'down', slow: 'up' } },
    });
  });

  it('answers ready 503 when a check does not answer in time, without waiting for it', async () => {
    state.hang = true;
    const started = Date.now();
    expect(await get(`${baseUrl}/health/ready`)).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { redis: 'up', rabbitmq: 'up', slow: 'down' } },
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('is public', () => {
    expect(Reflect.getMetadata(IS_PUBLIC, HealthController)).toBe(true);
  });

  // Last: there is no way back from shutting down.
  it('answers ready 503 once the application is shutting down, live still 200', async () => {
    app.get(HealthService).markShuttingDown();
    expect(await get(`${baseUrl}/health/ready`)).toEqual({
      status: 503,
      body: { status: 'shutting_down', checks: {} },
    });
    expect((await get(`${baseUrl}/health/live`)).status).toBe(200);
  });
});

describe('readiness against the real PostgreSQL, Redis and RabbitMQ', () => {
  const PG = 'PG_POOL';
  const REDIS = 'REDIS';
  const AMQP = 'AMQP_CHANNEL';
  let pool: Pool;
  let unreachablePool: Pool;
  let redis: Redis;
  let amqp: ChannelModel;
  let channel: Channel;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    unreachablePool = new Pool({
      host: '127.0.0.1',
      port: 1,
      user: 'postgres',
      connectionTimeoutMillis: 200,
      max: 1,
    });
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    amqp = await connect(TEST_AMQP_URL);
    channel = await amqp.createChannel();

    @Module({
      providers: [
        { provide: PG, useValue: pool },
        { provide: REDIS, useValue: redis },
        { provide: AMQP, useValue: channel },
      ],
      exports: [PG, REDIS, AMQP],
    })
    class InfraModule {}

    ({ app, baseUrl } = await start(
      HealthModule.forRootAsync({
        imports: [InfraModule],
        inject: [PG, REDIS, AMQP],
        useFactory: (pg: Pool, client: Redis, amqpChannel: Channel) => [
          postgresCheck(pg),
          { name: 'redis', check: async () => (await client.ping()) === 'PONG' },
          rabbitmqHealthCheck(amqpChannel),
        ],
      }),
    ));
  });

  afterAll(async () => {
    await app.close();
    await channel.close();
    await amqp.close();
    redis.disconnect();
    await pool.end();
    await unreachablePool.end();
  });

  it('is ready when the service can reach all three', async () => {
    expect(await get(`${baseUrl}/health/ready`)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { postgres: 'up', redis: 'up', rabbitmq: 'up' } },
    });
  });

  it('is not ready when a dependency is unreachable', async () => {
    app.get(HealthService).registerHealthCheck('reporting-db', postgresCheck(unreachablePool).check);
    expect(await get(`${baseUrl}/health/ready`)).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: { postgres: 'up', redis: 'up', rabbitmq: 'up', 'reporting-db': 'down' },
      },
    });
  });
});
