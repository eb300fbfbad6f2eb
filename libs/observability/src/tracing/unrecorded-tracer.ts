import {
  type Context,
  context,
  type Span,
  type SpanOptions,
  trace,
  TraceFlags,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import { newSpanId, newTraceId } from './trace-ids';

/**
 * The tracers of a process that exports no spans. Only a span whose caller sampled the trace (`traceparent` flag
 * 01) can record, and that one goes to the SDK's tracer; every other span is made here as the SDK would make it
 * unsampled (a non-recording span: the parent's trace id or a new one, a new span id, flags 00) without the SDK's
 * sampling, attribute and bookkeeping work, which cost every HTTP request and every RPC more than anything else the
 * gateway adds to NestJS-on-Fastify.
 */
export class UnrecordedTracerProvider implements TracerProvider {
  constructor(private readonly sdk: TracerProvider) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new UnrecordedTracer(this.sdk.getTracer(name, version, options));
  }
}

class UnrecordedTracer implements Tracer {
  constructor(private readonly sdk: Tracer) {}

  startSpan(name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
    const continued = parent !== undefined && trace.isSpanContextValid(parent);
    if (continued && (parent.traceFlags & TraceFlags.SAMPLED) !== 0) {
      return this.sdk.startSpan(name, options, parentContext);
    }
    return trace.wrapSpanContext({
      traceId: continued ? parent.traceId : newTraceId(),
      spanId: newSpanId(),
      traceFlags: TraceFlags.NONE,
      ...(continued && parent.traceState ? { traceState: parent.traceState } : {}),
    });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parentContext: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parentContext = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), () => fn(span)) as ReturnType<F>;
  }
}
