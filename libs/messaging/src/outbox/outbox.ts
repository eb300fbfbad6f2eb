import type { DataSource, EntityManager, EntitySubscriberInterface } from 'typeorm';
import type { EventEnvelope, ServiceName } from '@kasho/contracts';
import { CORRELATION_ID_HEADER, injectTraceContext } from '../common/message-headers';
import { createEventEnvelope, type EnvelopeOptions, type EventTypeOf } from '../events/event-envelope';

const INSERT_OUTBOX_ROW =
  'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") VALUES ($1, $2, $3::jsonb, $4::jsonb)';

/** Marks a transaction that wrote outbox rows; its commit nudges this process's relay. */
const ENQUEUED_FLAG = 'kasho.outbox.enqueued';

/**
 * Writes events into `outbox_messages` inside the caller's transaction, so the event exists if and only if the
 * state change committed. The relay publishes it afterwards.
 */
export class Outbox {
  constructor(private readonly producer: ServiceName) {}

  async enqueue<P>(
    manager: EntityManager,
    event: EventTypeOf<P>,
    payload: P,
    options: EnvelopeOptions = {},
  ): Promise<EventEnvelope<P>> {
    const queryRunner = manager.queryRunner;
    if (!queryRunner?.isTransactionActive) {
      throw new Error(
        "Outbox.enqueue must run inside the state change's transaction: pass the EntityManager of that transaction",
      );
    }
    const envelope = createEventEnvelope(this.producer, event, payload, options);
    // The trace context of the work that caused the event travels with it, so the consumer's span joins that trace.
    const headers = injectTraceContext({ [CORRELATION_ID_HEADER]: envelope.correlationId });
    await manager.query(INSERT_OUTBOX_ROW, [
      envelope.id,
      envelope.type,
      JSON.stringify(envelope),
      JSON.stringify(headers),
    ]);
    queryRunner.data[ENQUEUED_FLAG] = true;
    return envelope;
  }
}

/**
 * Calls `nudge` after a transaction that enqueued events commits, so the relay of this replica publishes at once
 * instead of at its next poll. Polling remains the guarantee (other replicas, missed nudges).
 */
export function nudgeOnOutboxCommit(dataSource: DataSource, nudge: () => void): () => void {
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit(event) {
      const { queryRunner } = event;
      if (queryRunner.isTransactionActive || !queryRunner.data[ENQUEUED_FLAG]) return;
      delete queryRunner.data[ENQUEUED_FLAG];
      nudge();
    },
    afterTransactionRollback(event) {
      if (!event.queryRunner.isTransactionActive) delete event.queryRunner.data[ENQUEUED_FLAG];
    },
  };
  // TypeORM builds its subscriber list at initialisation and offers no API to add one later; the broadcaster reads
  // this array on every commit, so appending to it is enough.
  const subscribers = dataSource.subscribers;
  subscribers.push(subscriber);
  return () => {
    const index = subscribers.indexOf(subscriber);
    if (index >= 0) subscribers.splice(index, 1);
  };
}
