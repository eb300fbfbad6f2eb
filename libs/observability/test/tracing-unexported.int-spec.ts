import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { startTracing } from '../src';

// Without an exporter nothing records spans, yet trace context is created and carried: a log line and the next
// service still see one trace id, and a caller that asked for sampling (traceparent flag 01) is honoured.
describe('tracing without an exporter', () => {
  const handle = startTracing({ serviceName: 'unexported-test' });
  afterAll(() => handle.shutdown());

  it('records nothing but still gives every span a trace id, carried to the next hop', () => {
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
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const span = trace.getTracer('test').startSpan('continued', {}, sampled);
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    span.end();
  });
});
