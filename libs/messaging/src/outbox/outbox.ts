import type { DataSource, EntityManager, EntitySubscriberInterface } from 'typeorm';
import type { EventEnvelope, ServiceName } from '@kasho/contracts';
import { CORRELATION_ID_HEADER, injectTraceContext } from '../common/message-headers';
import { uuidv7 } from '@kasho/logging';
import { createEventEnvelope, type EnvelopeOptions, type EventTypeOf } from '../events/event-envelope';

const INSERT_OUTBOX_ROW =
  'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") VALUES ($1, $2, $3::jsonb, $4::jsonb)';
// One statement for many rows; unnest keeps the array order, so the relay's sequence follows the caller's order.
const INSERT_OUTBOX_ROWS =
  'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") ' +
  'SELECT id, type, payload::jsonb, headers::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) ' +
  'WITH ORDINALITY AS t(id, type, payload, headers, position) ORDER BY position';

/** One event of `Outbox.enqueueMany`. */
export interface OutboxItem<P> {
  event: EventTypeOf<P>;
  payload: P;
  options?: EnvelopeOptions;
}

/** One `outbox_messages` row as written: the envelope and the message headers, both JSON text. */
export interface OutboxRow<P = unknown> {
  envelope: EventEnvelope<P>;
  id: string;
  type: string;
  payload: string;
  headers: string;
  /** `headers`, parsed: what the message carries. */
  messageHeaders: Record<string, unknown>;
}

/** One event as the outbox publishes it: the envelope, and the headers its message carries. */
export interface OutboxEvent<P = unknown> {
  envelope: EventEnvelope<P>;
  headers: Record<string, unknown>;
}

/**
 * The type prefix of a reference row: a row that holds no event, only a reference to state committed in the same
 * transaction, from which the `OutboxExpander` registered for its type reads the events back. For a writer whose
 * own rows already hold everything its events say (the ledger: transfers and balance history), so each event is
 * not written twice.
 */
export const OUTBOX_REFERENCE_PREFIX = 'outbox-reference:';

/** A reference row, and (in memory, for the publication right after its commit) the events it stands for. */
export interface OutboxReferenceRow {
  id: string;
  /** `OUTBOX_REFERENCE_PREFIX` + the kind its expander is registered for. */
  type: string;
  /** The reference, JSON. */
  payload: string;
  events: readonly OutboxEvent[];
}

/** A query in the relay's claiming transaction (node-postgres placeholders). */
export type OutboxQuery = (sql: string, parameters?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Reads back the events of reference rows of one kind. It must answer exactly the events the writer handed to
 * `publishCommitted` (same ids, so a consumer's inbox drops a second delivery), from committed rows alone.
 */
export interface OutboxExpander {
  /**
   * The events of each reference (parsed `payload`s, in sequence order), in the order they are published;
   * undefined for one that cannot be read (the relay keeps its row, marked failed with the reason).
   */
  expand(references: readonly unknown[], query: OutboxQuery): Promise<Array<OutboxEvent[] | undefined>>;
}

/** The envelope and headers an event is published with: its correlation id and the current trace context. */
export function outboxEvent<P>(producer: ServiceName, item: OutboxItem<P>): OutboxEvent<P> {
  const envelope = createEventEnvelope(producer, item.event, item.payload, item.options);
  return { envelope, headers: injectTraceContext({ [CORRELATION_ID_HEADER]: envelope.correlationId }) };
}

/**
 * The row an event becomes: its envelope, and headers carrying the correlation id and the trace context of the
 * work that caused it (so the consumer's span joins that trace). The one definition of the outbox's row format,
 * for `Outbox` and for a writer that inserts rows with its own statement.
 */
export function outboxRow<P>(producer: ServiceName, item: OutboxItem<P>): OutboxRow<P> {
  const { envelope, headers } = outboxEvent(producer, item);
  return {
    envelope,
    id: envelope.id,
    type: envelope.type,
    payload: JSON.stringify(envelope),
    headers: JSON.stringify(headers),
    messageHeaders: headers,
  };
}

/** A reference row of `kind` (see `OutboxExpander`), written by the caller's own statement in its transaction. */
export function outboxReferenceRow(
  kind: string,
  reference: unknown,
  events: readonly OutboxEvent[],
): OutboxReferenceRow {
  return { id: uuidv7(), type: OUTBOX_REFERENCE_PREFIX + kind, payload: JSON.stringify(reference), events };
}

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
    const row = outboxRow(this.producer, { event, payload, options });
    await manager.query(INSERT_OUTBOX_ROW, [row.id, row.type, row.payload, row.headers]);
    queryRunner.data[ENQUEUED_FLAG] = true;
    return row.envelope;
  }

  /**
   * `enqueue` for many events in one statement (a batch writer's thousands of events would otherwise cost a round
   * trip each). Same guarantees: inside the caller's transaction, in the order given.
   */
  async enqueueMany<P>(manager: EntityManager, items: readonly OutboxItem<P>[]): Promise<EventEnvelope<P>[]> {
    const queryRunner = manager.queryRunner;
    if (!queryRunner?.isTransactionActive) {
      throw new Error(
        "Outbox.enqueueMany must run inside the state change's transaction: pass the EntityManager of that transaction",
      );
    }
    if (items.length === 0) return [];
    const rows = items.map((item) => outboxRow(this.producer, item));
    await manager.query(INSERT_OUTBOX_ROWS, [
      rows.map((row) => row.id),
      rows.map((row) => row.type),
      rows.map((row) => row.payload),
      rows.map((row) => row.headers),
    ]);
    queryRunner.data[ENQUEUED_FLAG] = true;
    return rows.map((row) => row.envelope);
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
