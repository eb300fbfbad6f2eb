import { hostname } from 'node:os';
import { Logger, type LoggerService } from '@nestjs/common';
import type { ServiceName } from '@kasho/contracts';
import { messagingLogger, type MessagingLogger } from './common/messaging-logger';

/** How this service talks to RabbitMQ. Only `url` and `service` are required; the defaults suit production. */
export interface MessagingOptions {
  url: string;
  service: ServiceName;
  /** Prefix for every exchange and queue name (tests isolate themselves with it). Default ''. */
  namespace?: string;
  /** Unacknowledged messages per consumer channel (RPC server and each event consumer). Default 32. */
  prefetch?: number;
  /** Shown by `rabbitmqctl list_connections` as `connection_name`. Default `<ns><service>@<host>:<pid>`. */
  connectionName?: string;
  /** AMQP heartbeat; a dead TCP peer is noticed after about two of these. Default 10. */
  heartbeatSeconds?: number;
  /** Default RPC deadline when a call gives none. Default 5000. */
  rpcTimeoutMs?: number;
  /** How long a confirmed publish may wait for the broker (e.g. during a reconnection) before failing. Default 10000. */
  publishTimeoutMs?: number;
  /** How long the first connection may take before start-up fails. Default 30000. */
  connectTimeoutMs?: number;
  /** Reconnection backoff after the broker closed the connection. Defaults 100 ms doubling up to 5000 ms. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Growing delays between attempts of a failing event handler; after the last one the message is parked. */
  retry?: { delaysMs?: number[] };
  /** `x-delivery-limit` of consumer queues: redeliveries (crashes, lost channels) before the broker parks a message. */
  deliveryLimit?: number;
  /** How long a graceful shutdown waits for in-flight handlers. Default 10000. */
  shutdownTimeoutMs?: number;
  /** How often `kasho_parking_lot_messages` is sampled; 0 disables. Default 30000. */
  parkingLotSampleIntervalMs?: number;
  outbox?: {
    /** Run the outbox relay in this process when a DataSource is available. Default true. */
    relay?: boolean;
    /** Rows claimed and published per transaction. Default 100. */
    batchSize?: number;
    /** How often the relay looks for rows when nobody nudged it. Default 500. */
    pollIntervalMs?: number;
    /**
     * One relay at a time publishes (a transaction-scoped advisory lock), so events leave in commit order across
     * replicas. False lets replicas publish disjoint batches in parallel (SKIP LOCKED only). Default true.
     */
    strictOrder?: boolean;
    /**
     * The relay claims only rows older than this (ms). For a service that publishes its committed rows itself
     * (`OutboxRelay.publishCommitted`), the relay is then the fallback for rows that process could not publish
     * (a crash after the commit, a broker that did not confirm) rather than a second publisher. Default 0.
     */
    claimDelayMs?: number;
  };
  /**
   * Pruning of `outbox_messages` and `inbox_messages` while a DataSource is present (`MessagingRetention`). Needs
   * the indexes of `AddMessagingRetentionIndexes1764300000000`.
   */
  retention?: {
    /** Published outbox rows are deleted this many days after publication. Unpublished rows never are. Default 7. */
    outboxPublishedDays?: number;
    /**
     * Inbox rows are deleted this many days after the message was handled; a copy arriving later would take effect
     * again. Must exceed the longest span over which a copy can still arrive: the broker's retries and redeliveries,
     * the outbox relay's republishing of rows a dead relay published but never marked, parking-lot replays.
     * Default 30.
     */
    inboxDays?: number;
    /** Time between pruning rounds; 0 disables pruning in this process. Default 3600000 (an hour). */
    intervalMs?: number;
    /** Rows deleted per statement, so no statement holds its locks for long. Default 1000. */
    batchSize?: number;
  };
  logger?: LoggerService;
}

export interface ResolvedMessagingOptions {
  url: string;
  service: ServiceName;
  namespace: string;
  prefetch: number;
  connectionName: string;
  heartbeatSeconds: number;
  rpcTimeoutMs: number;
  publishTimeoutMs: number;
  connectTimeoutMs: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  retryDelaysMs: readonly number[];
  deliveryLimit: number;
  shutdownTimeoutMs: number;
  parkingLotSampleIntervalMs: number;
  outbox: {
    relay: boolean;
    batchSize: number;
    pollIntervalMs: number;
    strictOrder: boolean;
    claimDelayMs: number;
  };
  retention: { outboxPublishedDays: number; inboxDays: number; intervalMs: number; batchSize: number };
  logger: MessagingLogger;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000];

const DAY_MS = 86_400_000;

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  allowZero = false,
): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < (allowZero ? 0 : 1)) {
    throw new Error(`Messaging option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return resolved;
}

/** Applies the defaults and refuses a bad setting at start-up, naming it. */
export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  if (!/^amqps?:\/\//.test(options.url))
    throw new Error('Messaging option url must be an amqp:// or amqps:// URL');
  const namespace = options.namespace ?? '';
  const retryDelaysMs = options.retry?.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  retryDelaysMs.forEach((delay, index) => positiveInteger(`retry.delaysMs[${index}]`, delay, 1));
  const inboxDays = positiveInteger('retention.inboxDays', options.retention?.inboxDays, 30);
  const retrySpanMs = retryDelaysMs.reduce((sum, delay) => sum + delay, 0);
  if (inboxDays * DAY_MS <= retrySpanMs) {
    throw new Error(
      'Messaging option retention.inboxDays must exceed the retry span (the sum of retry.delaysMs): ' +
        'a retried message must still find its inbox row',
    );
  }
  return {
    url: options.url,
    service: options.service,
    namespace,
    prefetch: positiveInteger('prefetch', options.prefetch, 32),
    connectionName: options.connectionName ?? `${namespace}${options.service}@${hostname()}:${process.pid}`,
    heartbeatSeconds: positiveInteger('heartbeatSeconds', options.heartbeatSeconds, 10, true),
    rpcTimeoutMs: positiveInteger('rpcTimeoutMs', options.rpcTimeoutMs, 5_000),
    publishTimeoutMs: positiveInteger('publishTimeoutMs', options.publishTimeoutMs, 10_000),
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 30_000),
    reconnect: {
      initialDelayMs: positiveInteger('reconnect.initialDelayMs', options.reconnect?.initialDelayMs, 100),
      maxDelayMs: positiveInteger('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, 5_000),
    },
    retryDelaysMs: [...retryDelaysMs],
    deliveryLimit: positiveInteger('deliveryLimit', options.deliveryLimit, 10),
    shutdownTimeoutMs: positiveInteger('shutdownTimeoutMs', options.shutdownTimeoutMs, 10_000),
    parkingLotSampleIntervalMs: positiveInteger(
      'parkingLotSampleIntervalMs',
      options.parkingLotSampleIntervalMs,
      30_000,
      true,
    ),
    outbox: {
      relay: options.outbox?.relay ?? true,
      batchSize: positiveInteger('outbox.batchSize', options.outbox?.batchSize, 100),
      pollIntervalMs: positiveInteger('outbox.pollIntervalMs', options.outbox?.pollIntervalMs, 500),
      strictOrder: options.outbox?.strictOrder ?? true,
      claimDelayMs: positiveInteger('outbox.claimDelayMs', options.outbox?.claimDelayMs, 0, true),
    },
    retention: {
      outboxPublishedDays: positiveInteger(
        'retention.outboxPublishedDays',
        options.retention?.outboxPublishedDays,
        7,
      ),
      inboxDays,
      intervalMs: positiveInteger('retention.intervalMs', options.retention?.intervalMs, 3_600_000, true),
      batchSize: positiveInteger('retention.batchSize', options.retention?.batchSize, 1_000),
    },
    logger: messagingLogger(options.logger ?? new Logger('Messaging')),
  };
}
