import type { EventContract, EventEnvelope, ServiceName } from '@kasho/contracts';
import { resolveCorrelationId } from '../common/message-headers';
import { isUuid, uuidv7 } from '@kasho/logging';

export type EventTypeOf<P> = EventContract<P> | string;

export interface EnvelopeOptions {
  /** Default: a new UUID v7. Give one to make a retried publish of the same fact deduplicate downstream. */
  id?: string;
  /** Default: the current context's correlation id, else a new one. */
  correlationId?: string;
  causationId?: string;
  occurredAt?: Date;
}

const VERSION_SUFFIX = /\.v(\d+)$/;

function typeAndVersion(event: EventTypeOf<unknown>): { type: string; version: number } {
  if (typeof event !== 'string') return { type: event.type, version: event.version };
  const match = VERSION_SUFFIX.exec(event);
  if (!match) throw new Error(`Event type "${event}" must end with its version, e.g. ".v1"`);
  return { type: event, version: Number(match[1]) };
}

/** Builds the envelope every event travels in: id (UUID v7), type and version, time, producer, correlation. */
export function createEventEnvelope<P>(
  producer: ServiceName,
  event: EventTypeOf<P>,
  payload: P,
  options: EnvelopeOptions = {},
): EventEnvelope<P> {
  return {
    id: options.id ?? uuidv7(),
    ...typeAndVersion(event),
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    producer,
    correlationId: resolveCorrelationId(options.correlationId),
    ...(options.causationId ? { causationId: options.causationId } : {}),
    payload,
  };
}

export function eventTypeOf(event: EventTypeOf<unknown>): string {
  return typeof event === 'string' ? event : event.type;
}

/** Reads an envelope off the wire; anything that is not one throws (and is parked as malformed). */
export function parseEventEnvelope(content: Buffer): EventEnvelope<unknown> {
  const value: unknown = JSON.parse(content.toString('utf8'));
  if (typeof value !== 'object' || value === null) throw new Error('event is not a JSON object');
  const envelope = value as Partial<Record<keyof EventEnvelope<unknown>, unknown>>;
  if (!isUuid(envelope.id)) throw new Error('event id is not a UUID');
  if (typeof envelope.type !== 'string' || !envelope.type) throw new Error('event has no type');
  if (typeof envelope.correlationId !== 'string') throw new Error('event has no correlation id');
  if (!('payload' in envelope)) throw new Error('event has no payload');
  return value as EventEnvelope<unknown>;
}
