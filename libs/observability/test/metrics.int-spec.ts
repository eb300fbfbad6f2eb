import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import { register } from 'prom-client';
import {
  IS_PUBLIC,
  MetricsController,
  MetricsModule,
  getOrCreateHistogram,
  registerHttpMetrics,
} from '../src';

@Controller('orders')
class OrdersController {
  @Get(':id')
  read(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({ imports: [MetricsModule], controllers: [OrdersController] })
class TestModule {}

describe('GET /metrics (Nest on Fastify)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    registerHttpMetrics(app.getHttpAdapter().getInstance());
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the default process metrics in the Prometheus text format', async () => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(register.contentType);
    const body = await response.text();
    expect(body).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('records request durations by route pattern, not by URL', async () => {
    for (const id of ['41', '42', '43']) expect((await fetch(`${baseUrl}/orders/${id}`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/no/such/${Date.now()}`)).status).toBe(404);
    const body = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(body).toContain('# TYPE kasho_http_request_duration_seconds histogram');
    expect(body).toContain(
      'kasho_http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 3',
    );
    expect(body).toMatch(
      /kasho_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/orders\/:id",status_code="200"\} \d+/,
    );
    expect(body).toContain(
      'kasho_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1',
    );
    expect(body).not.toContain('/orders/42');
  });

  it('shows metrics other libraries register in the same process', async () => {
    getOrCreateHistogram({
      name: 'kasho_rpc_client_duration_seconds',
      help: 'RPC round trip',
      labelNames: ['method'],
    })
      .labels('account.get')
      .observe(0.02);
    const body = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(body).toContain('kasho_rpc_client_duration_seconds_count{method="account.get"} 1');
  });

  it('is public', () => {
    expect(Reflect.getMetadata(IS_PUBLIC, MetricsController)).toBe(true);
  });
});

describe('registerHttpMetrics on a plain Fastify instance', () => {
  it('records the route pattern too', async () => {
    const fastify = Fastify();
    registerHttpMetrics(fastify);
    fastify.get('/plain/:name', () => ({ ok: true }));
    expect((await fastify.inject({ method: 'GET', url: '/plain/x' })).statusCode).toBe(200);
    const body = await register.metrics();
    expect(body).toContain(
      'kasho_http_request_duration_seconds_count{method="GET",route="/plain/:name",status_code="200"} 1',
    );
    await fastify.close();
  });
});
