import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@kasho/contracts';
import { backoffDelay, errorMessage } from '../common/async-utils';
import type { MessagingMetrics } from '../common/metrics';
import type { OutboundMessage } from '../events/confirmed-publisher';
import { eventMessage } from '../events/event-publisher';
import type { TopologyNames } from '../topology/topology';
import type { MessagingLogger } from '../common/messaging-logger';
import {
  OUTBOX_REFERENCE_PREFIX,
  type OutboxEvent,
  type OutboxExpander,
  type OutboxReferenceRow,
  type OutboxRow,
} from './outbox';

/** What the relay needs from a publisher: publish in order, say which the broker confirmed. */
export interface OutboxPublisherPort {
  publishBatch(messages: readonly OutboundMessage[], timeoutMs: number): Promise<boolean[]>;
}

export interface OutboxRelayOptions {
  names: TopologyNames;
  batchSize: number;
  pollIntervalMs: number;
  strictOrder: boolean;
  publishTimeoutMs: number;
  /** Claim only rows older than this (ms): see `publishCommitted`. */
  claimDelayMs: number;
  /** By reference row type (`OUTBOX_REFERENCE_PREFIX` + kind): what reads their events back. */
  expanders: ReadonlyMap<string, OutboxExpander>;
  logger: MessagingLogger;
}

/** A row handed to `publishCommitted`: an event row, or a reference row with its events. */
export type CommittedOutboxRow = OutboxRow | OutboxReferenceRow;

/** Rows one `publishCommitted` round publishes at most. */
const DIRECT_ROUND_ROWS = 1000;

interface ClaimedRow {
  id: string;
  sequence: string;
  type: string;
  payload: EventEnvelope<unknown>;
  headers: Record<string, unknown> | null;
}

// One relay at a time per database in strict-order mode; the lock ends with the claiming transaction.
const TRY_RELAY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('kasho.outbox-relay')) AS locked";
const CLAIM_BATCH =
  'SELECT "id", "sequence", "type", "payload", "headers" FROM "outbox_messages" WHERE "published_at" IS NULL ' +
  'AND ($2::int = 0 OR "created_at" <= now() - make_interval(secs => $2::float8 / 1000)) ' +
  'ORDER BY "sequence" LIMIT $1 FOR UPDATE SKIP LOCKED';
const MARK_PUBLISHED =
  'UPDATE "outbox_messages" SET "published_at" = now(), "attempts" = "attempts" + 1, "last_error" = NULL ' +
  'WHERE "id" = ANY($1::uuid[])';
const MARK_FAILED =
  'UPDATE "outbox_messages" SET "attempts" = "attempts" + 1, "last_error" = $2 WHERE "id" = ANY($1::uuid[])';
const BACKLOG =
  'SELECT count(*)::int AS "pending", ' +
  'COALESCE(EXTRACT(EPOCH FROM (now() - min("created_at"))), 0)::float8 AS "lag" ' +
  'FROM "outbox_messages" WHERE "published_at" IS NULL';

/**
 * Publishes outbox rows. Each round is one transaction: claim the oldest unpublished rows with
 * `FOR UPDATE SKIP LOCKED` (another replica's claimed rows are skipped, never published twice), publish them in
 * sequence order with confirms, mark the confirmed ones published, commit. If the process dies mid-round the
 * transaction aborts, the claim is released and the rows go out again later: at-least-once, made exactly-once in
 * effect by the consumers' inbox.
 */
export class OutboxRelay {
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private chain: Promise<unknown> = Promise.resolve();
  private lastBacklogSample = 0;
  private direct: CommittedOutboxRow[] = [];
  private directRound: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisherPort,
    private readonly options: OutboxRelayOptions,
    private readonly metrics: MessagingMetrics,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Something was enqueued: look now rather than at the next poll. */
  nudge(): void {
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  /** Stops polling after the round in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
  }

  /**
   * Publishes rows the caller has just committed, without waiting for a round to claim them: no claiming
   * transaction, no reading back of payloads it already holds. Rounds never overlap, so rows leave in the order
   * they were handed over; rows handed over during a round leave together in the next. A row confirmed by the broker
   * is marked published; one that is not (or whose mark fails) stays for the relay, which claims it once it is
   * `claimDelayMs` old. Fire and forget: failures are logged, never thrown.
   */
  publishCommitted(rows: readonly CommittedOutboxRow[]): void {
    if (rows.length === 0) return;
    this.direct.push(...rows);
    this.directRound ??= this.publishDirect().finally(() => {
      this.directRound = undefined;
    });
  }

  private async publishDirect(): Promise<void> {
    while (this.direct.length > 0) {
      const rows = this.direct.splice(0, DIRECT_ROUND_ROWS);
      try {
        const confirmed = await this.publishRows(
          rows.map((row) =>
            'events' in row
              ? row.events.map((event) => this.eventMessage(event))
              : [
                  eventMessage(
                    this.options.names,
                    row.envelope,
                    row.messageHeaders,
                    Buffer.from(row.payload),
                  ),
                ],
          ),
        );
        const ids = rows.filter((_, index) => confirmed[index]).map((row) => row.id);
        if (ids.length > 0) await this.dataSource.query(MARK_PUBLISHED, [ids]);
        if (ids.length < rows.length) {
          this.options.logger.warn(
            `Outbox: ${rows.length - ids.length} of ${rows.length} committed rows not confirmed; ` +
              'the relay will publish them',
          );
        }
      } catch (error) {
        this.options.logger.warn(
          `Outbox: publishing ${rows.length} committed rows failed (the relay will publish them): ` +
            errorMessage(error),
        );
      }
    }
  }

  /**
   * Publishes each row's messages, all rows' in one ordered batch; answers per row whether the broker confirmed
   * every message of it (a row is marked published only then: a row republished in part is whole again).
   */
  private async publishRows(messagesByRow: ReadonlyArray<readonly OutboundMessage[]>): Promise<boolean[]> {
    const outcomes = await this.publisher.publishBatch(messagesByRow.flat(), this.options.publishTimeoutMs);
    let next = 0;
    return messagesByRow.map((messages) => {
      const confirmed = outcomes.slice(next, next + messages.length).every(Boolean);
      next += messages.length;
      return confirmed;
    });
  }

  private eventMessage(event: OutboxEvent): OutboundMessage {
    return eventMessage(this.options.names, event.envelope, event.headers);
  }

  /** Publishes until nothing is left (or `timeoutMs` passed): graceful shutdown, and tests. */
  async flush(timeoutMs = 10_000): Promise<void> {
    await this.directRound;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await this.relayOnce()) > 0) {
      // keep going
    }
  }

  /** One round; returns how many rows were published. Rounds of one relay never overlap. */
  relayOnce(): Promise<number> {
    const round = this.chain.then(() => this.claimAndPublish());
    this.chain = round.catch(() => undefined);
    return round;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.relayOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.logger.warn(`Outbox relay round failed: ${errorMessage(error)}`);
      }
      await this.sampleBacklogIfDue();
      if (!this.running || published >= this.options.batchSize) continue;
      await this.idle(
        failures > 0
          ? backoffDelay(failures, this.options.pollIntervalMs, 30_000)
          : this.options.pollIntervalMs,
      );
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async claimAndPublish(): Promise<number> {
    if (!this.dataSource.isInitialized) return 0;
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    try {
      await queryRunner.startTransaction();
      const published = await this.publishClaimed(queryRunner);
      await queryRunner.commitTransaction();
      return published;
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await queryRunner.release();
    }
  }

  private async publishClaimed(queryRunner: QueryRunner): Promise<number> {
    if (this.options.strictOrder) {
      const [{ locked }] = (await queryRunner.query(TRY_RELAY_LOCK)) as Array<{ locked: boolean }>;
      if (!locked) return 0;
    }
    const rows = (await queryRunner.query(CLAIM_BATCH, [
      this.options.batchSize,
      this.options.claimDelayMs,
    ])) as ClaimedRow[];
    if (rows.length === 0) return 0;

    const { messages, unreadable } = await this.messagesOf(rows, queryRunner);
    const publishable = rows.filter((row) => !unreadable.has(row.id));
    const outcomes = await this.publishRows(publishable.map((row) => messages.get(row.id) ?? []));
    const confirmed = publishable.filter((_, index) => outcomes[index]).map((row) => row.id);
    const failed = publishable.filter((_, index) => !outcomes[index]).map((row) => row.id);
    if (confirmed.length > 0) await queryRunner.query(MARK_PUBLISHED, [confirmed]);
    if (failed.length > 0) {
      await queryRunner.query(MARK_FAILED, [failed, 'the broker did not confirm the message']);
      this.options.logger.warn(
        `Outbox relay: ${failed.length} of ${rows.length} rows not confirmed; will retry`,
      );
    }
    for (const [reason, ids] of groupBy(unreadable)) {
      await queryRunner.query(MARK_FAILED, [ids, reason]);
      this.options.logger.error(`Outbox relay: ${ids.length} rows not published: ${reason}`);
    }
    return confirmed.length;
  }

  /**
   * Each claimed row's messages: an event row's own, a reference row's read back by the expander of its type
   * (one call per type, in the claiming transaction). A reference row no expander is registered for is unreadable
   * (marked failed with the reason, kept for when one is).
   */
  private async messagesOf(
    rows: readonly ClaimedRow[],
    queryRunner: QueryRunner,
  ): Promise<{ messages: Map<string, OutboundMessage[]>; unreadable: Map<string, string> }> {
    const messages = new Map<string, OutboundMessage[]>();
    const unreadable = new Map<string, string>();
    const references = new Map<string, ClaimedRow[]>();
    for (const row of rows) {
      if (!row.type.startsWith(OUTBOX_REFERENCE_PREFIX)) {
        messages.set(row.id, [this.toMessage(row)]);
        continue;
      }
      const ofType = references.get(row.type) ?? [];
      ofType.push(row);
      references.set(row.type, ofType);
    }
    for (const [type, ofType] of references) {
      const expander = this.options.expanders.get(type);
      if (!expander) {
        for (const row of ofType) unreadable.set(row.id, `no outbox expander is registered for ${type}`);
        continue;
      }
      const events = await expander.expand(
        ofType.map((row) => row.payload),
        (sql, parameters) => queryRunner.query(sql, parameters) as Promise<Array<Record<string, unknown>>>,
      );
      ofType.forEach((row, index) => {
        const rowEvents = events[index];
        if (rowEvents === undefined) unreadable.set(row.id, `the ${type} expander could not read its events`);
        else
          messages.set(
            row.id,
            rowEvents.map((event) => this.eventMessage(event)),
          );
      });
    }
    return { messages, unreadable };
  }

  private toMessage(row: ClaimedRow): OutboundMessage {
    const envelope = { ...row.payload, type: row.payload.type ?? row.type };
    return eventMessage(
      this.options.names,
      envelope,
      row.headers ?? {},
      Buffer.from(JSON.stringify(row.payload)),
    );
  }

  /** Reads the backlog into `kasho_outbox_pending_messages` and `kasho_outbox_lag_seconds`. */
  async sampleBacklog(): Promise<{ pending: number; lagSeconds: number }> {
    const [row] = await this.dataSource.query<Array<{ pending: number; lag: number }>>(BACKLOG);
    this.metrics.outboxPending.set(row.pending);
    this.metrics.outboxLag.set(row.lag);
    this.lastBacklogSample = Date.now();
    return { pending: row.pending, lagSeconds: row.lag };
  }

  private async sampleBacklogIfDue(): Promise<void> {
    if (Date.now() - this.lastBacklogSample < Math.max(1_000, this.options.pollIntervalMs)) return;
    try {
      await this.sampleBacklog();
    } catch (error) {
      this.options.logger.warn(`Outbox backlog sample failed: ${errorMessage(error)}`);
    }
  }
}

/** Row ids by reason. */
function groupBy(reasons: ReadonlyMap<string, string>): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [id, reason] of reasons) {
    const ids = grouped.get(reason);
    if (ids) ids.push(id);
    else grouped.set(reason, [id]);
  }
  return grouped;
}
