import type { Channel } from 'amqplib';
import type { ServiceName } from '@kasho/contracts';

/**
 * Every exchange and queue name, derived from one namespace prefix ('' in production, `t.<label>.<random>.` in
 * tests). Kept pure so the names are unit-tested and the same everywhere.
 */
export class TopologyNames {
  constructor(readonly namespace: string) {}

  get rpcExchange(): string {
    return `${this.namespace}kasho.rpc`;
  }

  get eventsExchange(): string {
    return `${this.namespace}kasho.events`;
  }

  rpcQueue(service: ServiceName): string {
    return `${this.namespace}rpc.${service}`;
  }

  consumerQueue(service: ServiceName, consumer: string): string {
    return `${this.namespace}${service}.${consumer}`;
  }

  /** A per-delay TTL queue: a failed message waits here, then dead-letters back to its consumer queue. */
  waitQueue(service: ServiceName, consumer: string, delayMs: number): string {
    return `${this.namespace}${service}.${consumer}.retry.${delayMs}ms`;
  }

  parkingLot(service: ServiceName, consumer: string): string {
    return `${this.namespace}${service}.${consumer}.parking-lot`;
  }
}

const CONSUMER_NAME = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*$/;

export function assertConsumerName(name: string): void {
  if (!CONSUMER_NAME.test(name) || name.length > 100) {
    throw new Error(
      `Consumer name "${name}" must be lower-case words separated by dots or dashes (e.g. "ledger-sync")`,
    );
  }
}

/** What this process declared, so tests can delete exactly their own topology afterwards. */
export class TopologyRegistry {
  readonly exchanges = new Set<string>();
  readonly queues = new Set<string>();

  async deleteAll(channel: Channel): Promise<void> {
    for (const queue of this.queues) await channel.deleteQueue(queue);
    for (const exchange of this.exchanges) await channel.deleteExchange(exchange);
    this.queues.clear();
    this.exchanges.clear();
  }
}

export async function declareExchanges(
  channel: Channel,
  names: TopologyNames,
  registry: TopologyRegistry,
): Promise<void> {
  for (const exchange of [names.rpcExchange, names.eventsExchange]) {
    await channel.assertExchange(exchange, 'topic', { durable: true });
    registry.exchanges.add(exchange);
  }
}

/**
 * The RPC queue is a classic queue and requests are transient (delivery mode 1). Quorum queues replicate and fsync
 * every message through Raft before confirming it: worth it for events, wasted on a request that is worthless after
 * its deadline (each carries `expiration`), whose caller retries with the same idempotency key anyway, and whose
 * latency is the product. The queue itself is durable so its binding survives a broker restart.
 */
export async function declareRpcQueue(
  channel: Channel,
  names: TopologyNames,
  registry: TopologyRegistry,
  service: ServiceName,
): Promise<string> {
  const queue = names.rpcQueue(service);
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  await channel.bindQueue(queue, names.rpcExchange, `${service}.#`);
  registry.queues.add(queue);
  return queue;
}

export interface ConsumerTopology {
  queue: string;
  parkingLot: string;
  /** Wait queues in attempt order, one per retry delay. */
  waitQueues: Array<{ delayMs: number; queue: string }>;
}

export function consumerTopology(
  names: TopologyNames,
  service: ServiceName,
  consumer: string,
  retryDelaysMs: readonly number[],
): ConsumerTopology {
  return {
    queue: names.consumerQueue(service, consumer),
    parkingLot: names.parkingLot(service, consumer),
    waitQueues: retryDelaysMs.map((delayMs) => ({
      delayMs,
      queue: names.waitQueue(service, consumer, delayMs),
    })),
  };
}

// Dead-lettering out of a quorum queue is at-most-once unless the queue asks for at-least-once (RabbitMQ >= 3.10),
// which in turn requires reject-publish overflow. Both the consumer queue (delivery limit -> parking lot) and the
// wait queues (TTL -> consumer queue) dead-letter, and neither may lose a message on the way.
const AT_LEAST_ONCE_DEAD_LETTERING = {
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
};

/**
 * A consumer's queues: the durable quorum queue bound to its event types, the per-delay wait queues of its retry
 * path and its parking lot. A message the broker redelivers more than `deliveryLimit` times (a handler that kills
 * the process, a channel that keeps dying) dead-letters to the parking lot too: nothing is dropped.
 */
export async function declareConsumerQueues(
  channel: Channel,
  names: TopologyNames,
  registry: TopologyRegistry,
  topology: ConsumerTopology,
  bindings: readonly string[],
  deliveryLimit: number,
): Promise<void> {
  await channel.assertQueue(topology.parkingLot, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  registry.queues.add(topology.parkingLot);
  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': deliveryLimit,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': topology.parkingLot,
      ...AT_LEAST_ONCE_DEAD_LETTERING,
    },
  });
  registry.queues.add(topology.queue);
  for (const { delayMs, queue } of topology.waitQueues) {
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': topology.queue,
        ...AT_LEAST_ONCE_DEAD_LETTERING,
      },
    });
    registry.queues.add(queue);
  }
  for (const key of bindings) await channel.bindQueue(topology.queue, names.eventsExchange, key);
}
