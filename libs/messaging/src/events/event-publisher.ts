import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { EventEnvelope, ServiceName } from '@kasho/contracts';
import {
  CORRELATION_ID_HEADER,
  injectTraceContext,
  messagingTracer,
  type AmqpHeaders,
} from '../common/message-headers';
import { encodeJson, JSON_CONTENT_TYPE } from '../rpc/rpc-wire';
import type { TopologyNames } from '../topology/topology';
import type { ConfirmedPublisher, OutboundMessage } from './confirmed-publisher';
import { createEventEnvelope, type EnvelopeOptions, type EventTypeOf } from './event-envelope';

/** The AMQP message of an event: persistent, message id = envelope id, type = routing key. */
export function eventMessage(
  names: TopologyNames,
  envelope: EventEnvelope<unknown>,
  headers: AmqpHeaders,
  content: Buffer = encodeJson(envelope),
): OutboundMessage {
  return {
    exchange: names.eventsExchange,
    routingKey: envelope.type,
    content,
    options: {
      persistent: true,
      messageId: envelope.id,
      type: envelope.type,
      contentType: JSON_CONTENT_TYPE,
      appId: envelope.producer,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      headers: { ...headers, [CORRELATION_ID_HEADER]: envelope.correlationId },
    },
  };
}

/**
 * Publishes events with publisher confirms. For an event that records a state change, write it through the
 * `Outbox` in the change's transaction instead: publishing directly cannot be atomic with a database commit.
 */
export class EventPublisher {
  private readonly tracer = messagingTracer();

  constructor(
    private readonly confirmed: ConfirmedPublisher,
    private readonly names: TopologyNames,
    private readonly producer: ServiceName,
    private readonly publishTimeoutMs: number,
  ) {}

  /** Resolves once the broker confirmed the event; rejects with service_unavailable (retryable) after the timeout. */
  async publish(envelope: EventEnvelope<unknown>, options: { timeoutMs?: number } = {}): Promise<void> {
    const span = this.tracer.startSpan(`${envelope.type} publish`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': this.names.eventsExchange,
        'messaging.message.id': envelope.id,
      },
    });
    const headers = injectTraceContext({}, trace.setSpan(context.active(), span));
    try {
      await this.confirmed.publish(
        eventMessage(this.names, envelope, headers),
        options.timeoutMs ?? this.publishTimeoutMs,
      );
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Builds the envelope (this service as producer) and publishes it. */
  async publishEvent<P>(
    event: EventTypeOf<P>,
    payload: P,
    options: EnvelopeOptions = {},
  ): Promise<EventEnvelope<P>> {
    const envelope = createEventEnvelope(this.producer, event, payload, options);
    await this.publish(envelope);
    return envelope;
  }
}
