import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { UnrecordedTracerProvider } from './unrecorded-tracer';

export interface TracingOptions {
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP collector base URL (`http://collector:4318`). Default: `OTEL_EXPORTER_OTLP_ENDPOINT`; unset: no export. */
  otlpEndpoint?: string;
  /** Export to this exporter instead, span by span (tests pass an `InMemorySpanExporter`). */
  exporter?: SpanExporter;
}

export interface TracingHandle {
  /** Whether spans go to an exporter; without one, only spans a caller sampled record. */
  readonly exported: boolean;
  /** Flushes pending spans, then unregisters the provider, propagator and context manager. Safe to call twice. */
  shutdown(): Promise<void>;
}

// On globalThis, like the OpenTelemetry API's own registrations: one process, one provider, even if this module is
// loaded twice (Jest gives each test file its own module registry, but the API's globals outlive it).
const STATE = Symbol.for('kasho.observability.tracing');
type GlobalWithTracing = typeof globalThis & { [STATE]?: TracingHandle };

export function isTracingStarted(): boolean {
  return (globalThis as GlobalWithTracing)[STATE] !== undefined;
}

/**
 * Starts OpenTelemetry tracing for the process: a `NodeTracerProvider` for the service, the W3C trace context and
 * baggage propagators, an AsyncLocalStorage context manager, and an exporter (OTLP over HTTP, batched, when an
 * endpoint is configured). Without an exporter nothing records spans (a recorded span nobody exports is pure cost on
 * every request), but trace context is still created and propagated, so trace ids reach logs and downstream
 * services: the sampler then records only where an upstream caller asked for it (`traceparent` flag sampled).
 *
 * Call it first thing in `main.ts`, before Nest boots. A second call returns the running handle unchanged.
 */
export function startTracing(options: TracingOptions): TracingHandle {
  const global = globalThis as GlobalWithTracing;
  const running = global[STATE];
  if (running) return running;

  const spanProcessors: SpanProcessor[] = [];
  const otlpEndpoint = options.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (options.exporter) {
    spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  } else if (otlpEndpoint) {
    const url = `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? process.env.SERVICE_VERSION ?? '0.0.0',
    }),
    spanProcessors,
    ...(spanProcessors.length === 0
      ? { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }
      : {}),
  });
  // Default context manager: AsyncLocalStorage, so the active span follows async work like the request context.
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  if (spanProcessors.length === 0) {
    // Spans nobody samples skip the SDK (see UnrecordedTracerProvider); the context manager and propagator stay.
    trace.disable();
    trace.setGlobalTracerProvider(new UnrecordedTracerProvider(provider));
  }

  let stopped: Promise<void> | undefined;
  const handle: TracingHandle = {
    exported: spanProcessors.length > 0,
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
          if (global[STATE] === handle) delete global[STATE];
        }
      })();
      return stopped;
    },
  };
  global[STATE] = handle;
  return handle;
}
