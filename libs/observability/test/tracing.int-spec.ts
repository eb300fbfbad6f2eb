import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, registerRequestContext } from '@kasho/logging';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { injectTraceContext, registerHttpTracing, startTracing, type TracingHandle } from '../src';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

const logged: string[] = [];
const logger = createLogger({
  service: 'tracing-test',
  pretty: false,
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logged.push(chunk.toString());
      callback();
    },
  }),
});

@Controller('orders')
class OrdersController {
  @Get('fail/now')
  fail(): never {
    throw new Error('broken');
  }

  @Get(':id/publish')
  async publish(): Promise<Record<string, string>> {
    await sleep(1);
    return injectTraceContext<Record<string, string>>({});
  }

  @Get(':id')
  async read(@Param('id') id: string): Promise<{ id: string; outgoing: Record<string, string> }> {
    await sleep(1);
    return trace.getTracer('test').startActiveSpan('load order', async (span) => {
      await sleep(1);
      logger.info(`loading order ${id}`);
      // What an RPC publish made here carries in its AMQP headers.
      const outgoing = injectTraceContext<Record<string, string>>({});
      span.end();
      return { id, outgoing };
    });
  }
}

@Module({ controllers: [OrdersController] })
class TestModule {}

describe('HTTP server spans (Nest on Fastify)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'tracing-test', serviceVersion: '1.0.0', exporter });
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    const fastify = app.getHttpAdapter().getInstance();
    registerHttpTracing(fastify);
    registerRequestContext(fastify);
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterEach(() => exporter.reset());

  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });

  /** The server span ends when the response is finished, which may be just after the client has it. */
  async function finishedServerSpan(): Promise<ReadableSpan> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const span = exporter.getFinishedSpans().find((candidate) => candidate.kind === SpanKind.SERVER);
      if (span) return span;
      await sleep(10);
    }
    throw new Error('no server span was exported');
  }

  it('continues the caller’s trace, parents the handler’s spans and propagates to outgoing messages', async () => {
    const response = await fetch(`${baseUrl}/orders/42?email=jane@example.com`, {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, 'x-request-id': 'traced-request' },
    });
    expect(response.status).toBe(200);
    const { outgoing } = (await response.json()) as { outgoing: Record<string, string> };

    const server = await finishedServerSpan();
    expect(server.name).toBe('GET /orders/:id');
    expect(server.spanContext().traceId).toBe(TRACE_ID);
    expect(server.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'url.path': '/orders/42',
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(server.attributes)).not.toContain('jane@example.com');
    expect(server.resource.attributes).toMatchObject({
      'service.name': 'tracing-test',
      'service.version': '1.0.0',
    });

    const child = exporter.getFinishedSpans().find((span) => span.name === 'load order');
    expect(child?.spanContext().traceId).toBe(TRACE_ID);
    expect(child?.parentSpanContext?.spanId).toBe(server.spanContext().spanId);

    expect(outgoing.traceparent).toBe(`00-${TRACE_ID}-${child?.spanContext().spanId}-01`);

    const line = logged
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((l) => l.msg === 'loading order 42');
    expect(line).toMatchObject({
      traceId: TRACE_ID,
      spanId: child?.spanContext().spanId,
      requestId: 'traced-request',
    });
  });

  it('makes the server span the active one in the handler', async () => {
    const response = await fetch(`${baseUrl}/orders/42/publish`, {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });
    const outgoing = (await response.json()) as Record<string, string>;
    const server = await finishedServerSpan();
    expect(server.name).toBe('GET /orders/:id/publish');
    expect(outgoing.traceparent).toBe(`00-${TRACE_ID}-${server.spanContext().spanId}-01`);
  });

  it('starts a new trace when the request carries none', async () => {
    expect((await fetch(`${baseUrl}/orders/7`)).status).toBe(200);
    const server = await finishedServerSpan();
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server.spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('names unmatched requests by method only and marks server errors', async () => {
    expect((await fetch(`${baseUrl}/nowhere`)).status).toBe(404);
    const notFound = await finishedServerSpan();
    expect(notFound.name).toBe('GET');
    expect(notFound.attributes['http.response.status_code']).toBe(404);
    expect(notFound.status.code).toBe(SpanStatusCode.UNSET);
    exporter.reset();

    expect((await fetch(`${baseUrl}/orders/fail/now`)).status).toBe(500);
    const failed = await finishedServerSpan();
    expect(failed.name).toBe('GET /orders/fail/now');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
  });
});
