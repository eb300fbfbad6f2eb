import { connect } from 'amqplib';
import type { DataSource } from 'typeorm';
import { errorMessage, withinTime } from './common/async-utils';
import { messagingMetrics, type MessagingMetrics } from './common/metrics';
import { AmqpConnectionManager } from './connection/connection-manager';
import { ConfirmedPublisher } from './events/confirmed-publisher';
import {
  EventConsumers,
  type EventConsumer,
  type IdempotentHandlerFunction,
  type InboxHandlerFunction,
} from './events/event-consumer';
import type { EventTypeOf } from './events/event-envelope';
import { EventPublisher } from './events/event-publisher';
import {
  resolveMessagingOptions,
  type MessagingOptions,
  type ResolvedMessagingOptions,
} from './messaging-options';
import { MessagingRetention } from './outbox/messaging-retention';
import { nudgeOnOutboxCommit, Outbox, OUTBOX_REFERENCE_PREFIX, type OutboxExpander } from './outbox/outbox';
import { OutboxRelay, type OutboxPublisherPort } from './outbox/outbox-relay';
import { RpcClient } from './rpc/rpc-client';
import { RpcServer } from './rpc/rpc-server';
import { declareExchanges, TopologyNames, TopologyRegistry } from './topology/topology';

export interface MessagingDependencies {
  /** Enables the outbox relay and inbox consumers. The gateway has none. */
  dataSource?: DataSource;
}

/**
 * Everything one service needs on RabbitMQ, over one connection: RPC client and server, event publisher, outbox
 * and relay, event consumers. This is the plain API (tests, benchmarks, scripts); `MessagingModule` wires the same
 * object into NestJS.
 *
 * Lifecycle: `connect()` (connection + exchanges) -> register handlers -> `start()` (RPC server, consumers, relay,
 * retention) -> `shutdown()` (stop taking work, finish in-flight, flush the outbox) -> `close()`.
 */
export class Messaging {
  readonly options: ResolvedMessagingOptions;
  readonly names: TopologyNames;
  readonly connection: AmqpConnectionManager;
  readonly rpcClient: RpcClient;
  readonly rpcServer: RpcServer;
  readonly publisher: EventPublisher;
  readonly outbox: Outbox;
  readonly consumers: EventConsumers;
  private readonly registry = new TopologyRegistry();
  private readonly confirmed: ConfirmedPublisher;
  private readonly metrics: MessagingMetrics = messagingMetrics();
  private dataSource: DataSource | undefined;
  private readonly outboxExpanders = new Map<string, OutboxExpander>();
  private relay: OutboxRelay | undefined;
  private activeRetention: MessagingRetention | undefined;
  private removeNudge: (() => void) | undefined;
  private parkingLotTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(options: MessagingOptions, dependencies: MessagingDependencies = {}) {
    this.options = resolveMessagingOptions(options);
    this.names = new TopologyNames(this.options.namespace);
    this.dataSource = dependencies.dataSource;
    this.connection = new AmqpConnectionManager(this.options, this.metrics);
    void this.connection.addTopology((channel) => declareExchanges(channel, this.names, this.registry));
    this.confirmed = new ConfirmedPublisher(this.connection);
    this.rpcClient = new RpcClient(this.connection, this.names, this.options, this.metrics);
    this.rpcServer = new RpcServer(this.connection, this.names, this.registry, this.options, this.metrics);
    this.publisher = new EventPublisher(
      this.confirmed,
      this.names,
      this.options.service,
      this.options.publishTimeoutMs,
    );
    this.outbox = new Outbox(this.options.service);
    this.consumers = new EventConsumers({
      connection: this.connection,
      names: this.names,
      registry: this.registry,
      options: this.options,
      metrics: this.metrics,
      publisher: this.confirmed,
      dataSource: () => this.dataSource,
    });
  }

  /** Creates and connects. */
  static async connect(
    options: MessagingOptions,
    dependencies: MessagingDependencies = {},
  ): Promise<Messaging> {
    const messaging = new Messaging(options, dependencies);
    await messaging.connect();
    return messaging;
  }

  /** Sets the database for outbox and inbox when it becomes known after construction (NestJS discovery). */
  useDataSource(dataSource: DataSource): void {
    if (this.started) throw new Error('useDataSource must be called before start()');
    this.dataSource = dataSource;
  }

  /**
   * Registers what reads back the events of this service's reference rows of `kind` (see `OutboxExpander`), for
   * the relay; before `start()`.
   */
  useOutboxExpander(kind: string, expander: OutboxExpander): void {
    if (this.started) throw new Error('useOutboxExpander must be called before start()');
    this.outboxExpanders.set(OUTBOX_REFERENCE_PREFIX + kind, expander);
  }

  get hasDataSource(): boolean {
    return this.dataSource !== undefined;
  }

  /** The relay started by `start()` (undefined without a DataSource or with `outbox.relay: false`). */
  get outboxRelay(): OutboxRelay | undefined {
    return this.relay;
  }

  /** The pruning of outbox and inbox started by `start()` (undefined without a DataSource or with intervalMs 0). */
  get retention(): MessagingRetention | undefined {
    return this.activeRetention;
  }

  /** A retention over `dataSource` with this instance's settings and `overrides`, for tests or a dedicated job. */
  createRetention(
    dataSource: DataSource,
    overrides: Partial<ResolvedMessagingOptions['retention']> = {},
  ): MessagingRetention {
    return new MessagingRetention(dataSource, {
      ...this.options.retention,
      ...overrides,
      logger: this.options.logger,
    });
  }

  /** A relay over this connection's publisher, for tests or a dedicated relay process. */
  createOutboxRelay(
    dataSource: DataSource,
    overrides: Partial<ResolvedMessagingOptions['outbox']> = {},
    decoratePublisher: (publisher: OutboxPublisherPort) => OutboxPublisherPort = (publisher) => publisher,
  ): OutboxRelay {
    const outbox = { ...this.options.outbox, ...overrides };
    return new OutboxRelay(
      dataSource,
      decoratePublisher(this.confirmed),
      {
        names: this.names,
        batchSize: outbox.batchSize,
        pollIntervalMs: outbox.pollIntervalMs,
        strictOrder: outbox.strictOrder,
        claimDelayMs: outbox.claimDelayMs,
        expanders: this.outboxExpanders,
        publishTimeoutMs: this.options.publishTimeoutMs,
        logger: this.options.logger,
      },
      this.metrics,
    );
  }

  async connect(): Promise<void> {
    await this.connection.connect();
  }

  subscribe<P>(
    consumer: string,
    events: ReadonlyArray<EventTypeOf<P>>,
    handler: InboxHandlerFunction<P>,
  ): EventConsumer {
    return this.consumers.subscribe(consumer, events, handler);
  }

  subscribeIdempotent<P>(
    consumer: string,
    events: ReadonlyArray<EventTypeOf<P>>,
    handler: IdempotentHandlerFunction<P>,
  ): EventConsumer {
    return this.consumers.subscribeIdempotent(consumer, events, handler);
  }

  /** Starts serving RPC, consuming events and relaying the outbox. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.connect();
    this.started = true;
    await this.rpcServer.start();
    await this.consumers.start();
    if (this.dataSource && this.options.outbox.relay) {
      const relay = this.createOutboxRelay(this.dataSource);
      this.relay = relay;
      this.removeNudge = nudgeOnOutboxCommit(this.dataSource, () => relay.nudge());
      relay.start();
    }
    if (this.dataSource && this.options.retention.intervalMs > 0) {
      this.activeRetention = this.createRetention(this.dataSource);
      this.activeRetention.start();
    }
    if (this.options.parkingLotSampleIntervalMs > 0 && this.consumers.all.length > 0) {
      this.parkingLotTimer = setInterval(() => {
        this.consumers
          .sampleParkingLots()
          .catch((error: unknown) =>
            this.options.logger.warn(`Parking-lot sample failed: ${errorMessage(error)}`),
          );
      }, this.options.parkingLotSampleIntervalMs);
      this.parkingLotTimer.unref();
    }
  }

  /**
   * Graceful stop: take no new requests or events, wait for those in flight (their acks and replies still go
   * out), then publish what is left in the outbox. The connection stays open for that; `close()` ends it.
   */
  async shutdown(): Promise<void> {
    clearInterval(this.parkingLotTimer);
    await Promise.all([this.rpcServer.stop(), this.consumers.stop(), this.activeRetention?.stop()]);
    this.activeRetention = undefined;
    const relay = this.relay;
    if (relay) {
      this.removeNudge?.();
      await relay.stop();
      if (this.connection.isConnected()) {
        const flushed = await withinTime(
          relay.flush(this.options.shutdownTimeoutMs),
          this.options.shutdownTimeoutMs,
        ).catch(() => false);
        if (!flushed)
          this.options.logger.warn('The outbox was not flushed at shutdown; another replica will publish it');
      }
    }
    this.started = false;
  }

  /** Closes channels and the connection; pending RPC calls fail with service_unavailable. */
  async close(): Promise<void> {
    if (this.started) await this.shutdown();
    this.rpcClient.close();
    await this.connection.close();
  }

  /** Whether the AMQP connection is up (for /health/ready). */
  isHealthy(): boolean {
    return this.connection.isConnected();
  }

  /** Round-trips to the broker (declares nothing): true if it answered within `timeoutMs`. */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    if (!this.connection.isConnected()) return false;
    const answered = this.connection.withChannel(async (channel) => {
      await channel.checkExchange(this.names.eventsExchange);
    });
    return withinTime(answered, timeoutMs).catch(() => false);
  }

  /**
   * Deletes every exchange and queue this instance declared. For tests, which must leave the shared broker as they
   * found it; never call it in a service.
   */
  async deleteTopology(): Promise<void> {
    if (this.connection.isConnected()) {
      await this.connection.withChannel((channel) => this.registry.deleteAll(channel));
      return;
    }
    // Already closed (e.g. by the application's shutdown): use a connection of its own.
    const model = await connect(this.options.url);
    try {
      await this.registry.deleteAll(await model.createChannel());
    } finally {
      await model.close();
    }
  }
}
