import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@kasho/contracts';
import { backoffDelay, errorMessage } from '../common/async-utils';
import type { MessagingMetrics } from '../common/metrics';
import type { OutboundMessage } from '../events/confirmed-publisher';
import { eventMessage } from '../events/event-publisher';
import type { TopologyNames } from '../topology/topology';
import type { MessagingLogger } from '../common/messaging-logger';
import type { OutboxRow } from './outbox';

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
  logger: MessagingLogger;
}

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
  private direct: OutboxRow[] = [];
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
  publishCommitted(rows: readonly OutboxRow[]): void {
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
        const outcomes = await this.publisher.publishBatch(
          rows.map((row) =>
            eventMessage(this.options.names, row.envelope, row.messageHeaders, Buffer.from(row.payload)),
          ),
          this.options.publishTimeoutMs,
        );
        const confirmed = rows.filter((_, index) => outcomes[index]).map((row) => row.id);
        if (confirmed.length > 0) await this.dataSource.query(MARK_PUBLISHED, [confirmed]);
        if (confirmed.length < rows.length) {
          this.options.logger.warn(
            `Outbox: ${rows.length - confirmed.length} of ${rows.length} committed events not confirmed; ` +
              'the relay will publish them',
          );
        }
      } catch (error) {
        this.options.logger.warn(
          `Outbox: publishing ${rows.length} committed events failed (the relay will publish them): ` +
            errorMessage(error),
        );
      }
    }
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

    const outcomes = await this.publisher.publishBatch(
      rows.map((row) => this.toMessage(row)),
      this.options.publishTimeoutMs,
    );
    const confirmed = rows.filter((_, index) => outcomes[index]).map((row) => row.id);
    const failed = rows.filter((_, index) => !outcomes[index]).map((row) => row.id);
    if (confirmed.length > 0) await queryRunner.query(MARK_PUBLISHED, [confirmed]);
    if (failed.length > 0) {
      await queryRunner.query(MARK_FAILED, [failed, 'the broker did not confirm the message']);
      this.options.logger.warn(
        `Outbox relay: ${failed.length} of ${rows.length} events not confirmed; will retry`,
      );
    }
    return confirmed.length;
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
