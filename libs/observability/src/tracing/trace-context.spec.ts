import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { extractTraceContext, injectTraceContext } from './trace-context';
import { isTracingStarted, startTracing, type TracingHandle } from './tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe('trace context helpers', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;

  beforeAll(() => {
    tracing = startTracing({ serviceName: 'trace-context-test', exporter });
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  it('starts once: a second call returns the running handle', () => {
    expect(isTracingStarted()).toBe(true);
    expect(startTracing({ serviceName: 'other' })).toBe(tracing);
  });

  it('injects the active span as a W3C traceparent', () => {
    const headers = trace.getTracer('test').startActiveSpan('publish', (span) => {
      const carrier = injectTraceContext<Record<string, unknown>>({ 'x-other': 'kept' });
      span.end();
      return { carrier, spanId: span.spanContext().spanId, traceId: span.spanContext().traceId };
    });
    expect(headers.carrier).toEqual({
      'x-other': 'kept',
      traceparent: `00-${headers.traceId}-${headers.spanId}-01`,
    });
  });

  it('injects nothing outside a span', () => {
    expect(injectTraceContext({})).toEqual({});
  });

  it.each([
    ['a string', TRACEPARENT],
    ['a Buffer (AMQP)', Buffer.from(TRACEPARENT)],
    ['an array (repeated HTTP header)', [TRACEPARENT]],
  ])('extracts the parent from %s and continues its trace', (_name, value) => {
    const parent = extractTraceContext({ traceparent: value, baggage: 'tenant=kasho' });
    expect(trace.getSpanContext(parent)).toMatchObject({
      traceId: TRACE_ID,
      spanId: PARENT_ID,
      isRemote: true,
    });
    expect(propagation.getBaggage(parent)?.getEntry('tenant')?.value).toBe('kasho');
    const child = trace.getTracer('test').startSpan('consume', {}, parent);
    expect(child.spanContext().traceId).toBe(TRACE_ID);
    child.end();
  });

  it('extracts nothing from missing or malformed headers', () => {
    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' }))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 42 }))).toBeUndefined();
  });

  it('round-trips through a carrier', () => {
    const parent = extractTraceContext({ traceparent: TRACEPARENT });
    const carrier = context.with(parent, () => injectTraceContext({}));
    expect(carrier).toEqual({ traceparent: TRACEPARENT });
  });
});
