import { context, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { defineEvent } from '@kasho/contracts';
import { createTestNamespace } from '@kasho/testing';
import { Messaging } from '../src';
import {
  createMessagingDatabase,
  teardown,
  testOptions,
  waitFor,
  type MessagingDatabase,
} from './support/messaging-test-kit';

const PaymentCaptured = defineEvent<{ paymentId: string }>('payment.payment.captured.v1');

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register({ propagator: new W3CTraceContextPropagator() });

describe('trace context through the outbox', () => {
  const namespace = createTestNamespace('outbox-trace');
  let db: MessagingDatabase;
  let producer: Messaging;
  let consumerSide: Messaging;
  const seenByHandler = new Map<string, string | undefined>();

  beforeAll(async () => {
    db = await createMessagingDatabase('outbox-trace');
    // The producer's own relay publishes, from its polling loop: no span of the enqueuing request is active there.
    producer = new Messaging(testOptions(namespace, 'payment'), { dataSource: db.dataSource });
    consumerSide = new Messaging(testOptions(namespace, 'notification', { outbox: { relay: false } }), {
      dataSource: db.dataSource,
    });
    consumerSide.subscribe('payment-receipts', [PaymentCaptured], (envelope) => {
      seenByHandler.set(envelope.payload.paymentId, trace.getSpan(context.active())?.spanContext().traceId);
      return Promise.resolve();
    });
    await consumerSide.start();
    await producer.start();
  });

  afterAll(async () => {
    await teardown(producer, consumerSide);
    await db?.drop();
    await provider.shutdown();
  });

  it("continues the enqueuing span's trace in the consumer, after the relay published the row", async () => {
    spans.reset();
    const tracer = trace.getTracer('test');
    const enqueuing = await tracer.startActiveSpan('POST /payments/p-1/capture', async (span) => {
      try {
        await db.dataSource.transaction((manager) =>
          producer.outbox.enqueue(manager, PaymentCaptured, { paymentId: 'p-1' }),
        );
        return span.spanContext();
      } finally {
        span.end();
      }
    });
    // A second event enqueued outside any span: its consumer span must start a trace of its own.
    await db.dataSource.transaction((manager) =>
      producer.outbox.enqueue(manager, PaymentCaptured, { paymentId: 'p-2' }),
    );

    await waitFor(() => seenByHandler.size === 2, 'both events at the consumer');
    // A consumer span ends after its handler returned and the message was acknowledged, a moment later.
    const finishedConsumerSpans = (): ReadableSpan[] =>
      spans
        .getFinishedSpans()
        .filter((span) => span.kind === SpanKind.CONSUMER && span.name === `${PaymentCaptured.type} process`);
    await waitFor(() => finishedConsumerSpans().length === 2, 'both consumer spans ended');
    const consumerSpans = finishedConsumerSpans();
    expect(consumerSpans).toHaveLength(2);
    const [traced] = consumerSpans.filter((span) => span.spanContext().traceId === enqueuing.traceId);
    expect(traced).toBeDefined();
    expect(traced.parentSpanContext?.spanId).toBe(enqueuing.spanId);
    expect(traced.attributes['messaging.consumer.group.name']).toBe('notification.payment-receipts');
    expect(seenByHandler.get('p-1')).toBe(enqueuing.traceId);

    const untraced = seenByHandler.get('p-2');
    expect(untraced).toBeDefined();
    expect(untraced).not.toBe(enqueuing.traceId);
  });
});
