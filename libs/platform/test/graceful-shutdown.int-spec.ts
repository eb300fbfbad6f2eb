import { setTimeout as sleep } from 'node:timers/promises';
import { amqpEnv, commonEnv, httpEnv, loadConfig, postgresEnv, redisEnv } from '@kasho/config';
import { defineRpc, systemStatusRpc } from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { Messaging, MESSAGING_ENTITIES, MESSAGING_MIGRATIONS, RpcHandler } from '@kasho/messaging';
import {
  createTestDatabase,
  createTestNamespace,
  freePort,
  TEST_AMQP_URL,
  type TestDatabase,
} from '@kasho/testing';
import { Controller, Module } from '@nestjs/common';
import { z } from 'zod';
import { PlatformModule, type RunningService, startService } from '../src';

// The chassis end to end against real PostgreSQL, Redis and RabbitMQ: it migrates the service's database,
// answers system.status after touching it, reports readiness, and on stop finishes the RPC in flight before
// closing, after which calls fail within their deadline instead of hanging.

const slowRpc = defineRpc<{ ms: number }, { finished: true }>('auth', 'test.slow');

@Controller()
class SlowController {
  @RpcHandler(slowRpc)
  async slow(request: { ms: number }): Promise<{ finished: true }> {
    await sleep(request.ms);
    return { finished: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

const env = z.object({
  ...commonEnv.shape,
  ...httpEnv(3001).shape,
  ...postgresEnv('auth').shape,
  ...redisEnv('auth').shape,
  ...amqpEnv.shape,
});

const namespace = createTestNamespace('platform');
let database: TestDatabase;
let service: RunningService;
let client: Messaging;
let serviceMessaging: Messaging;

beforeAll(async () => {
  database = await createTestDatabase('platform');
  const config = loadConfig(env, {
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: `${namespace}auth:`,
    AMQP_NAMESPACE: namespace,
    LOG_LEVEL: 'warn',
  });
  service = await startService({
    service: 'auth',
    config,
    module: {
      module: SlowModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          config,
          database: { entities: [...MESSAGING_ENTITIES], migrations: [...MESSAGING_MIGRATIONS] },
          redis: true,
        }),
      ],
    },
  });
  serviceMessaging = service.app.get(Messaging);
  client = await Messaging.connect({ url: TEST_AMQP_URL, service: 'gateway', namespace, rpcTimeoutMs: 1500 });
});

afterAll(async () => {
  await service.stop();
  await client.close();
  await serviceMessaging.deleteTopology();
  await database.drop();
});

describe('the service chassis', () => {
  it('migrates its database and reports its dependencies over system.status', async () => {
    const report = await client.rpcClient.call(systemStatusRpc('auth'), {});
    expect(report).toEqual({
      service: 'auth',
      version: '0.0.0-local',
      status: 'ok',
      dependencies: { postgres: 'up', redis: 'up' },
    });
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { postgres: 'up', redis: 'up', rabbitmq: 'up' },
    });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain('kasho_rpc_server_duration_seconds');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('finishes the RPC in flight when stopped, then takes no more work', async () => {
    const inFlight = client.rpcClient.call(slowRpc, { ms: 700 });
    await sleep(150);
    const stopped = service.stop();
    await expect(inFlight).resolves.toEqual({ finished: true });
    await stopped;

    const started = Date.now();
    await expect(client.rpcClient.call(slowRpc, { ms: 0 }, { timeoutMs: 500 })).rejects.toMatchObject({
      code: ErrorCode.UpstreamTimeout,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
