import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { currentContext } from '@kasho/logging';
import { uuidv7 } from '@kasho/logging';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

export type AmqpHeaders = Record<string, unknown>;

const headerGetter: TextMapGetter<AmqpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  },
};

export function messagingTracer(): Tracer {
  return trace.getTracer('@kasho/messaging');
}

/** The correlation id outgoing work carries: the caller's choice, else the current unit of work's, else a new one. */
export function resolveCorrelationId(explicit?: string): string {
  return explicit ?? currentContext()?.correlationId ?? uuidv7();
}

/** Writes W3C trace context (`traceparent`, `tracestate`) of `ctx` into AMQP headers. */
export function injectTraceContext(headers: AmqpHeaders, ctx: Context = context.active()): AmqpHeaders {
  propagation.inject(ctx, headers);
  return headers;
}

/** Reads W3C trace context from AMQP headers; a message without it starts a new trace. */
export function extractTraceContext(headers: AmqpHeaders | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}

export function headerString(headers: AmqpHeaders | undefined, name: string): string | undefined {
  return headers ? (headerGetter.get(headers, name) as string | undefined) : undefined;
}

export function headerNumber(headers: AmqpHeaders | undefined, name: string): number | undefined {
  const value = headers?.[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
