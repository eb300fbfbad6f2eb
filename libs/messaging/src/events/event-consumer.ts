import type { Channel, ConsumeMessage } from 'amqplib';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@kasho/contracts';
import { runWithContext } from '@kasho/logging';
import { errorMessage, withinTime } from '../common/async-utils';
import { extractTraceContext, messagingTracer } from '../common/message-headers';
import type { HandlingOutcome, MessagingMetrics } from '../common/metrics';
import type { AmqpConnectionManager } from '../connection/connection-manager';
import type { ManagedChannel } from '../connection/managed-channel';
import type { ResolvedMessagingOptions } from '../messaging-options';
import {
  assertConsumerName,
  consumerTopology,
  declareConsumerQueues,
  type ConsumerTopology,
  type TopologyNames,
  type TopologyRegistry,
} from '../topology/topology';
import type { ConfirmedPublisher } from './confirmed-publisher';
import { eventTypeOf, parseEventEnvelope, type EventTypeOf } from './event-envelope';
import {
  decideAfterFailure,
  FAILURE_HEADERS,
  forwardedProperties,
  previousFailedAttempts,
  type ParkReason,
} from './retry-policy';
import type { MessagingLogger } from '../common/messaging-logger';

/** Runs inside the inbox transaction: write the effect with `manager`; it commits (or not) with the inbox row. */
export type InboxHandlerFunction<P> = (envelope: EventEnvelope<P>, manager: EntityManager) => Promise<void>;
/** For naturally idempotent work only (e.g. a cache refresh): there is no inbox, a redelivery runs it again. */
export type IdempotentHandlerFunction<P> = (envelope: EventEnvelope<P>) => Promise<void>;

export type ConsumerMode = 'inbox' | 'idempotent';

export interface ConsumerDefinition {
  name: string;
  bindings: readonly string[];
  mode: ConsumerMode;
  handler: (envelope: EventEnvelope<unknown>, manager: EntityManager | undefined) => Promise<void>;
}

/** Thrown by a dispatcher that has no handler for an event type: the message is parked at once, not retried. */
export class NoEventHandlerError extends Error {
  constructor(readonly eventType: string) {
    super(`no handler for ${eventType}`);
    this.name = 'NoEventHandlerError';
  }
}

export interface EventConsumerDependencies {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  registry: TopologyRegistry;
  options: ResolvedMessagingOptions;
  metrics: MessagingMetrics;
  publisher: ConfirmedPublisher;
  dataSource(): DataSource | undefined;
}

const INSERT_INBOX_ROW =
  'INSERT INTO "inbox_messages" ("consumer", "message_id", "processed_at") VALUES ($1, $2, now()) ' +
  'ON CONFLICT ("consumer", "message_id") DO NOTHING RETURNING "message_id"';

/**
 * One durable quorum queue `<service>.<consumer>` and its handler. With an inbox, the handler runs in a database
 * transaction that first inserts `(consumer, message id)`; a message seen before commits nothing and is
 * acknowledged. The ack is sent only after the commit. A failure goes to the next wait queue (growing delays) and,
 * once the delays are used up, to the parking lot with its reason; a failure to do even that hands the message back
 * to the broker (requeue), whose delivery limit parks it in the end. Nothing is dropped.
 */
export class EventConsumer {
  readonly topology: ConsumerTopology;
  /** The inbox's `consumer` column: stable across namespaces and replicas. */
  readonly inboxKey: string;
  /** Messages handled by outcome since start: for tests and debugging (the metric is the production view). */
  readonly stats: Record<HandlingOutcome, number> = { ok: 0, duplicate: 0, retry: 0, parked: 0, requeued: 0 };
  private channel: ManagedChannel<Channel> | undefined;
  private consumer: { channel: Channel; tag: string } | undefined;
  private accepting = false;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly tracer = messagingTracer();
  private readonly logger: MessagingLogger;

  constructor(
    readonly definition: ConsumerDefinition,
    private readonly deps: EventConsumerDependencies,
  ) {
    const { names, options } = deps;
    this.topology = consumerTopology(names, options.service, definition.name, options.retryDelaysMs);
    this.inboxKey = `${options.service}.${definition.name}`;
    this.logger = options.logger;
  }

  get name(): string {
    return this.definition.name;
  }

  async start(): Promise<void> {
    this.accepting = true;
    if (this.channel) return;
    const { connection, names, registry, options } = this.deps;
    await connection.addTopology((channel) =>
      declareConsumerQueues(
        channel,
        names,
        registry,
        this.topology,
        this.definition.bindings,
        options.deliveryLimit,
      ),
    );
    this.channel = connection.createChannel(`consumer ${this.definition.name}`, {
      confirm: false,
      setup: async (channel) => {
        await channel.prefetch(options.prefetch);
        if (!this.accepting) return;
        const { consumerTag } = await channel.consume(
          this.topology.queue,
          (message) => message && this.onMessage(channel, message),
        );
        this.consumer = { channel, tag: consumerTag };
      },
    });
    await connection.openNow(this.channel);
  }

  /** Stops taking messages and waits (bounded) for those in flight; their acks still go out. */
  async stop(): Promise<void> {
    this.accepting = false;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    if (this.inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      if (!(await withinTime(drained, this.deps.options.shutdownTimeoutMs))) {
        this.logger.warn(`Consumer ${this.name}: ${this.inFlight} messages still in flight at shutdown`);
      }
    }
  }

  private onMessage(channel: Channel, message: ConsumeMessage): void {
    this.inFlight += 1;
    void this.process(channel, message).finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    });
  }

  private async process(channel: Channel, message: ConsumeMessage): Promise<void> {
    const started = performance.now();
    let outcome: HandlingOutcome;
    try {
      outcome = await this.handleOrDivert(message);
    } catch (error) {
      // Not even the retry path took it: give it back to the broker, which counts the delivery against the limit.
      this.logger.error(`Consumer ${this.name} could not divert a failed message: ${errorMessage(error)}`);
      outcome = 'requeued';
    }
    try {
      if (outcome === 'requeued') channel.nack(message, false, true);
      else channel.ack(message);
    } catch {
      // The channel is gone: the broker redelivers the message, and the inbox recognises it if it was handled.
    }
    this.stats[outcome] += 1;
    this.deps.metrics.handlingDuration.observe(
      { consumer: this.inboxKey, outcome },
      (performance.now() - started) / 1000,
    );
  }

  private async handleOrDivert(message: ConsumeMessage): Promise<HandlingOutcome> {
    const failedBefore = previousFailedAttempts(message);
    let envelope: EventEnvelope<unknown>;
    try {
      envelope = parseEventEnvelope(message.content);
    } catch (error) {
      await this.park(message, 'malformed', error, failedBefore);
      return 'parked';
    }

    const parent = extractTraceContext(message.properties.headers);
    const span = this.tracer.startSpan(
      `${envelope.type} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': this.topology.queue,
          'messaging.message.id': envelope.id,
          'messaging.consumer.group.name': this.inboxKey,
        },
      },
      parent,
    );
    try {
      const duplicate = await runWithContext({ correlationId: envelope.correlationId }, () =>
        context.with(trace.setSpan(parent, span), () => this.handleOnce(envelope)),
      );
      return duplicate ? 'duplicate' : 'ok';
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      if (error instanceof NoEventHandlerError) {
        await this.park(message, 'no_handler', error, failedBefore);
        return 'parked';
      }
      const failedAttempts = failedBefore + 1;
      const decision = decideAfterFailure(failedAttempts, this.deps.options.retryDelaysMs);
      if (decision.action === 'park') {
        await this.park(message, 'retries_exhausted', error, failedAttempts);
        return 'parked';
      }
      this.logger.warn(
        `Consumer ${this.name} failed on ${envelope.type} ${envelope.id} (attempt ${failedAttempts}): ` +
          `${errorMessage(error)}; retrying in ${decision.delayMs} ms`,
      );
      await this.deps.publisher.publish(
        {
          exchange: '',
          routingKey: this.topology.waitQueues[decision.waitIndex].queue,
          content: message.content,
          options: forwardedProperties(message, failedAttempts, error, new Date()),
        },
        this.deps.options.publishTimeoutMs,
      );
      return 'retry';
    } finally {
      span.end();
    }
  }

  /** Runs the handler once; true when the inbox had already seen this message (no effect this time). */
  private async handleOnce(envelope: EventEnvelope<unknown>): Promise<boolean> {
    const { handler, mode } = this.definition;
    if (mode === 'idempotent') {
      await handler(envelope, undefined);
      return false;
    }
    const dataSource = this.deps.dataSource();
    if (!dataSource) throw new Error(`Consumer ${this.name} needs a DataSource for its inbox`);
    return dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(INSERT_INBOX_ROW, [this.inboxKey, envelope.id]);
      if (inserted.length === 0) return true;
      await handler(envelope, manager);
      return false;
    });
  }

  private async park(
    message: ConsumeMessage,
    reason: ParkReason,
    error: unknown,
    failedAttempts: number,
  ): Promise<void> {
    const now = new Date();
    this.logger.error(
      `Consumer ${this.name} parked message ${String(message.properties.messageId)} (${reason}, ` +
        `${failedAttempts} failed attempts): ${errorMessage(error)}`,
    );
    await this.deps.publisher.publish(
      {
        exchange: '',
        routingKey: this.topology.parkingLot,
        content: message.content,
        options: forwardedProperties(message, failedAttempts, error, now, {
          [FAILURE_HEADERS.consumer]: this.inboxKey,
          [FAILURE_HEADERS.parkedReason]: reason,
          [FAILURE_HEADERS.parkedAt]: now.toISOString(),
        }),
      },
      this.deps.options.publishTimeoutMs,
    );
  }
}

/** The consumers of one service, started and stopped together. */
export class EventConsumers {
  private readonly consumers = new Map<string, EventConsumer>();
  private started = false;

  constructor(private readonly deps: EventConsumerDependencies) {}

  /**
   * Handles `events` (contracts, type names or topic patterns) in queue `<service>.<consumer>`, exactly once in
   * effect: the handler runs in a transaction with the inbox row. Needs a DataSource.
   */
  subscribe<P>(
    consumer: string,
    events: ReadonlyArray<EventTypeOf<P>>,
    handler: InboxHandlerFunction<P>,
  ): EventConsumer {
    return this.add({
      name: consumer,
      bindings: events.map(eventTypeOf),
      mode: 'inbox',
      handler: (envelope, manager) => {
        if (!manager) throw new Error(`Consumer ${consumer} needs a DataSource for its inbox`);
        return handler(envelope as EventEnvelope<P>, manager);
      },
    });
  }

  /**
   * Like `subscribe`, without a database: a redelivered message runs the handler again. Only for handlers that
   * are naturally idempotent (overwrite a cache entry, recompute a projection from the event alone).
   */
  subscribeIdempotent<P>(
    consumer: string,
    events: ReadonlyArray<EventTypeOf<P>>,
    handler: IdempotentHandlerFunction<P>,
  ): EventConsumer {
    return this.add({
      name: consumer,
      bindings: events.map(eventTypeOf),
      mode: 'idempotent',
      handler: (envelope) => handler(envelope as EventEnvelope<P>),
    });
  }

  add(definition: ConsumerDefinition): EventConsumer {
    assertConsumerName(definition.name);
    if (this.consumers.has(definition.name))
      throw new Error(`Consumer ${definition.name} is already subscribed`);
    if (definition.bindings.length === 0)
      throw new Error(`Consumer ${definition.name} subscribes to no events`);
    const consumer = new EventConsumer(definition, this.deps);
    this.consumers.set(definition.name, consumer);
    if (this.started) {
      this.assertDataSource(consumer);
      void consumer
        .start()
        .catch((error: unknown) =>
          this.deps.options.logger.error(
            `Consumer ${definition.name} failed to start: ${errorMessage(error)}`,
          ),
        );
    }
    return consumer;
  }

  get all(): EventConsumer[] {
    return [...this.consumers.values()];
  }

  get(name: string): EventConsumer | undefined {
    return this.consumers.get(name);
  }

  /** Fails, naming the consumer, if an inbox consumer has no DataSource: call before connecting. */
  assertReady(): void {
    for (const consumer of this.consumers.values()) this.assertDataSource(consumer);
  }

  async start(): Promise<void> {
    this.assertReady();
    this.started = true;
    for (const consumer of this.consumers.values()) await consumer.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.all.map((consumer) => consumer.stop()));
  }

  private assertDataSource(consumer: EventConsumer): void {
    if (consumer.definition.mode === 'inbox' && !this.deps.dataSource()) {
      throw new Error(
        `Consumer ${consumer.name} records an inbox and needs a TypeORM DataSource; a service without a database ` +
          'may only use subscribeIdempotent / @IdempotentEventHandler',
      );
    }
  }

  /** Samples each parking lot's depth into `kasho_parking_lot_messages`; returns the depths by queue. */
  async sampleParkingLots(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    if (this.consumers.size === 0) return depths;
    await this.deps.connection.withChannel(async (channel) => {
      for (const consumer of this.consumers.values()) {
        const queue = consumer.topology.parkingLot;
        const { messageCount } = await channel.checkQueue(queue);
        depths[queue] = messageCount;
        this.deps.metrics.parkingLot.set({ queue }, messageCount);
      }
    });
    return depths;
  }
}
