import { Counter, Gauge, Histogram, register } from 'prom-client';

// Metrics live in prom-client's default registry, created get-or-create: several Messaging instances in one process
// (tests, a service that is both client and server) share them instead of failing on a duplicate name.

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
  return (
    (register.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS })
  );
}

function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return (register.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge<L>({ name, help, labelNames });
}

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (
    (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter<L>({ name, help, labelNames })
  );
}

export type RpcOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';
export type HandlingOutcome = 'ok' | 'duplicate' | 'retry' | 'parked' | 'requeued';

export interface MessagingMetrics {
  rpcClientDuration: Histogram<'service' | 'method' | 'outcome'>;
  rpcServerDuration: Histogram<'service' | 'method' | 'outcome'>;
  handlingDuration: Histogram<'consumer' | 'outcome'>;
  outboxLag: Gauge;
  outboxPending: Gauge;
  parkingLot: Gauge<'queue'>;
  lateReplies: Counter;
  reconnections: Counter;
}

export function messagingMetrics(): MessagingMetrics {
  return {
    rpcClientDuration: histogram(
      'kasho_rpc_client_duration_seconds',
      'RPC calls made, from publish to reply, by target service, method and outcome.',
      ['service', 'method', 'outcome'],
    ),
    rpcServerDuration: histogram(
      'kasho_rpc_server_duration_seconds',
      'RPC requests handled, by this service, method and outcome.',
      ['service', 'method', 'outcome'],
    ),
    handlingDuration: histogram(
      'kasho_message_handling_duration_seconds',
      'Events handled, by consumer and outcome (ok, duplicate, retry, parked, requeued).',
      ['consumer', 'outcome'],
    ),
    outboxLag: gauge('kasho_outbox_lag_seconds', 'Age of the oldest unpublished outbox row.', []),
    outboxPending: gauge('kasho_outbox_pending_messages', 'Outbox rows not yet published.', []),
    parkingLot: gauge('kasho_parking_lot_messages', 'Messages waiting in a parking-lot queue.', ['queue']),
    lateReplies: counter(
      'kasho_rpc_late_replies_total',
      'RPC replies that arrived after their deadline.',
      [],
    ),
    reconnections: counter(
      'kasho_amqp_reconnections_total',
      'Times the AMQP connection was re-established.',
      [],
    ),
  };
}
