import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { injectTraceContext, registerHttpTracing, startTracing } from '../src';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

@Controller('probe')
class ProbeController {
  /** What the handler's work sees: the active span, and what an RPC it makes would carry. */
  @Get()
  probe(): { recording: boolean; outgoing: Record<string, string> } {
    return {
      recording: trace.getActiveSpan()?.isRecording() ?? false,
      outgoing: injectTraceContext<Record<string, string>>({}),
    };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

// Without an exporter nothing records spans, yet trace context is created and carried: a log line and the next
// service still see one trace id, and a caller that asked for sampling (traceparent flag 01) is honoured.
describe('tracing without an exporter', () => {
  const handle = startTracing({ serviceName: 'unexported-test' });
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), {
      logger: false,
    });
    registerHttpTracing(app.getHttpAdapter().getInstance());
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await handle.shutdown();
  });

  async function probe(
    traceparent?: string,
  ): Promise<{ recording: boolean; outgoing: Record<string, string> }> {
    const response = await fetch(`${baseUrl}/probe`, { headers: traceparent ? { traceparent } : {} });
    expect(response.status).toBe(200);
    return (await response.json()) as { recording: boolean; outgoing: Record<string, string> };
  }

  it('records nothing but still gives every span a trace id, carried to the next hop', () => {
    expect(handle.exported).toBe(false);
    const tracer = trace.getTracer('test');
    const root = tracer.startSpan('GET /v1/things');
    expect(root.isRecording()).toBe(false);
    const { traceId } = root.spanContext();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);

    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), root), carrier);
    expect(carrier.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));

    const downstream = propagation.extract(ROOT_CONTEXT, carrier);
    const child = tracer.startSpan('rpc handler', {}, downstream);
    expect(child.spanContext().traceId).toBe(traceId);
    expect(child.isRecording()).toBe(false);
    root.end();
    child.end();
  });

  it('records when the caller sampled the trace', () => {
    const sampled = propagation.extract(ROOT_CONTEXT, {
      traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
    });
    const span = trace.getTracer('test').startSpan('continued', {}, sampled);
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    span.end();
  });

  it('makes the active span for work run in it, and starts a new trace where asked (root)', () => {
    const tracer = trace.getTracer('test');
    const sampled = propagation.extract(ROOT_CONTEXT, { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` });
    const answer = tracer.startActiveSpan('unsampled work', (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      expect(span.isRecording()).toBe(false);
      return 42;
    });
    expect(answer).toBe(42);
    tracer.startActiveSpan('sampled work', {}, sampled, (span) => {
      expect(span.isRecording()).toBe(true);
      expect(trace.getActiveSpan()?.spanContext().traceId).toBe(TRACE_ID);
      span.end();
    });
    const root = tracer.startSpan('detached', { root: true }, sampled);
    expect(root.isRecording()).toBe(false);
    expect(root.spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('gives an HTTP request a new trace, or continues the caller’s, with a span of its own, not recorded', async () => {
    const fresh = await Promise.all([probe(), probe()]);
    const ids = fresh.map(({ recording, outgoing }) => {
      expect(recording).toBe(false);
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(outgoing.traceparent);
      expect(match).not.toBeNull();
      return match![1];
    });
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).not.toMatch(/^0+$/);

    const unsampled = await probe(`00-${TRACE_ID}-${PARENT_ID}-00`);
    expect(unsampled.recording).toBe(false);
    expect(unsampled.outgoing.traceparent).toMatch(
      new RegExp(`^00-${TRACE_ID}-(?!${PARENT_ID})[0-9a-f]{16}-00$`),
    );

    // A malformed traceparent is ignored: a new trace, as if there were none.
    const malformed = await probe('00-not-a-trace-01');
    expect(malformed.outgoing.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(malformed.outgoing.traceparent).not.toContain(TRACE_ID);
  });

  it('records an HTTP request whose caller sampled its trace, and carries the sampling on', async () => {
    const sampled = await probe(`00-${TRACE_ID}-${PARENT_ID}-01`);
    expect(sampled.recording).toBe(true);
    expect(sampled.outgoing.traceparent).toMatch(
      new RegExp(`^00-${TRACE_ID}-(?!${PARENT_ID})[0-9a-f]{16}-01$`),
    );
  });
});
