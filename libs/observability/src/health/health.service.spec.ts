import { Logger } from '@nestjs/common';
import { HealthService } from './health.service';

const never = () => new Promise<boolean>(() => undefined);

describe('HealthService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  afterAll(() => {
    Logger.overrideLogger(true);
  });

  it('is ready when every check answers true', async () => {
    const health = new HealthService(
      [
        { name: 'postgres', check: () => Promise.resolve(true) },
        { name: 'redis', check: () => Promise.resolve(true) },
      ],
      { timeoutMs: 100 },
    );
    expect(await health.readiness()).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('is ready with no checks at all', async () => {
    expect(await new HealthService([], {}).readiness()).toEqual({ status: 'ok', checks: {} });
  });

  it('counts false, a rejection, a synchronous throw and a timeout as down', async () => {
    const health = new HealthService([], { timeoutMs: 50 });
    health.registerHealthCheck('ok', () => Promise.resolve(true));
    health.registerHealthCheck('false', () => Promise.resolve(false));
    health.registerHealthCheck('rejects', () => Promise.reject(new Error('ECONNREFUSED')));
    health.registerHealthCheck('throws', () => {
      throw new Error('not connected');
    });
    health.registerHealthCheck('hangs', never);
    const started = Date.now();
    expect(await health.readiness()).toEqual({
      status: 'unavailable',
      checks: { ok: 'up', false: 'down', rejects: 'down', throws: 'down', hangs: 'down' },
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('honours a per-check timeout', async () => {
    const health = new HealthService([], { timeoutMs: 5000 });
    health.registerHealthCheck('slow', never, 20);
    expect((await health.readiness()).checks).toEqual({ slow: 'down' });
  });

  it('joins a check still running instead of starting it again', async () => {
    let calls = 0;
    const health = new HealthService([], { timeoutMs: 20 });
    health.registerHealthCheck('hung', () => {
      calls += 1;
      return never();
    });
    await health.readiness();
    await health.readiness();
    expect(calls).toBe(1);
  });

  it('refuses two checks with one name', () => {
    const health = new HealthService([{ name: 'redis', check: () => Promise.resolve(true) }], {});
    expect(() => health.registerHealthCheck('redis', () => Promise.resolve(true))).toThrow(
      /already registered/,
    );
  });

  it('fails readiness once shutting down, without running the checks', async () => {
    const check = jest.fn(() => Promise.resolve(true));
    const health = new HealthService([{ name: 'postgres', check }], {});
    health.beforeApplicationShutdown();
    expect(health.isShuttingDown).toBe(true);
    expect(await health.readiness()).toEqual({ status: 'shutting_down', checks: {} });
    expect(check).not.toHaveBeenCalled();
  });

  it('starts failing as soon as Nest destroys the modules', () => {
    const health = new HealthService([], {});
    health.onModuleDestroy();
    expect(health.isShuttingDown).toBe(true);
  });
});
