import { HealthModule, HealthService } from '@kasho/observability';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { provideReadinessCheck } from './readiness-check';

const CONNECTION = Symbol('CONNECTION');

describe('provideReadinessCheck', () => {
  const contexts: INestApplicationContext[] = [];

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  async function readinessWith(connection: { up: boolean }) {
    @Module({
      providers: [
        { provide: CONNECTION, useValue: connection },
        provideReadinessCheck({
          name: 'second-redis',
          inject: [CONNECTION],
          useFactory: (dependency: { up: boolean }) => () => Promise.resolve(dependency.up),
        }),
      ],
    })
    class FeatureModule {}
    @Module({
      imports: [
        HealthModule.forRoot({ checks: [{ name: 'redis', check: () => Promise.resolve(true) }] }),
        FeatureModule,
      ],
    })
    class ServiceModule {}
    const context = await NestFactory.createApplicationContext(ServiceModule, { logger: false });
    contexts.push(context);
    return context.get(HealthService);
  }

  it("adds a feature module's check beside the platform's", async () => {
    const health = await readinessWith({ up: true });
    expect(await health.readiness()).toEqual({
      status: 'ok',
      checks: { redis: 'up', 'second-redis': 'up' },
    });
  });

  it('makes the service unready when that dependency is down', async () => {
    const connection = { up: true };
    const health = await readinessWith(connection);
    connection.up = false;
    expect(await health.readiness()).toEqual({
      status: 'unavailable',
      checks: { redis: 'up', 'second-redis': 'down' },
    });
  });
});
