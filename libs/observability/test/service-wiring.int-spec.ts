import { Writable } from 'node:stream';
import { PinoNestLogger, createLogger, registerRequestContext, registerRequestLogging } from '@kasho/logging';
import { TEST_POSTGRES_URL } from '@kasho/testing';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Pool } from 'pg';
import {
  HealthModule,
  HealthService,
  MetricsModule,
  registerHttpMetrics,
  registerHttpTracing,
  startTracing,
  type TracingHandle,
} from '../src';

// The wiring a service's main.ts does, end to end: one request shows up in the log with its
// request and trace ids, in the metrics, and in the exported trace; readiness reflects the real database.

const POOL = 'POOL';
const pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });

@Controller('payments')
class PaymentsController {
  private readonly logger = new Logger(PaymentsController.name);

  @Get()
  list(): { data: never[] } {
    this.logger.log('listing payments');
    return { data: [] };
  }
}

@Module({ providers: [{ provide: POOL, useValue: pool }], exports: [POOL] })
class DatabaseTestModule {}

@Module({
  imports: [
    MetricsModule,
    HealthModule.forRootAsync({
      imports: [DatabaseTestModule],
      inject: [POOL],
      useFactory: (db: Pool) => [{ name: 'postgres', check: async () => (await db.query('select 1'), true) }],
    }),
  ],
  controllers: [PaymentsController],
})
class AppModule {}

describe('a service wired like main.ts', () => {
  const exporter = new InMemorySpanExporter();
  const written: string[] = [];
  let tracing: TracingHandle;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'payment', serviceVersion: '1.0.0', exporter });
    const logger = createLogger({
      service: 'payment',
      pretty: false,
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          written.push(chunk.toString());
          callback();
        },
      }),
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
      logger: new PinoNestLogger(logger),
    });
    const fastify = app.getHttpAdapter().getInstance();
    registerHttpTracing(fastify);
    registerRequestContext(fastify);
    registerRequestLogging(fastify, logger);
    registerHttpMetrics(fastify);
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
    await pool.end();
  });

  it('ties the log, the metrics and the trace of one request together', async () => {
    const response = await fetch(`${baseUrl}/payments`, { headers: { 'x-request-id': 'wired-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('wired-1');

    const lines = () => written.map((text) => JSON.parse(text) as Record<string, unknown>);
    const handlerLine = lines().find((line) => line.msg === 'listing payments');
    expect(handlerLine).toMatchObject({
      service: 'payment',
      context: 'PaymentsController',
      requestId: 'wired-1',
    });
    const traceId = handlerLine?.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain(
      'kasho_http_request_duration_seconds_count{method="GET",route="/payments",status_code="200"} 1',
    );
    expect(metrics).toContain('process_cpu_user_seconds_total');

    const server = exporter.getFinishedSpans().find((span) => span.name === 'GET /payments');
    expect(server?.spanContext().traceId).toBe(traceId);
    const completed = lines().find(
      (line) => line.msg === 'request completed' && line.requestId === 'wired-1',
    );
    expect(completed).toMatchObject({ method: 'GET', route: '/payments', statusCode: 200 });
  });

  it('is ready while its database answers, and stops being ready when told it is shutting down', async () => {
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'up' } });
    app.get(HealthService).markShuttingDown();
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);
  });
});
