import { type Context, context, propagation, ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';

/** Header carriers as they arrive: HTTP headers (string or string[]) or AMQP headers (strings, Buffers, numbers). */
export type TraceCarrier = Record<string, unknown>;

const carrierGetter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') return first;
    if (Buffer.isBuffer(first)) return first.toString('utf8');
    return undefined;
  },
};

/**
 * Writes the active trace context (`traceparent`, `tracestate`, `baggage`) into `headers` and returns them: call it
 * when publishing a message or calling out, inside the span that does the work.
 */
export function injectTraceContext<T extends TraceCarrier>(headers: T, from: Context = context.active()): T {
  propagation.inject(from, headers);
  return headers;
}

/**
 * The trace context carried by incoming headers, as a parent for the span that handles them
 * (`tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER }, extractTraceContext(msg.properties.headers), …)`).
 */
export function extractTraceContext(
  headers: TraceCarrier | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  return headers ? propagation.extract(base, headers, carrierGetter) : base;
}
