import type { DataSource } from 'typeorm';
import { errorMessage } from '../common/async-utils';
import type { MessagingLogger } from '../common/messaging-logger';

export interface MessagingRetentionOptions {
  /** Published outbox rows older than this many days (by `published_at`) are deleted. */
  outboxPublishedDays: number;
  /** Inbox rows older than this many days (by `processed_at`) are deleted. */
  inboxDays: number;
  /** Time between pruning rounds. */
  intervalMs: number;
  /** Rows deleted per statement. */
  batchSize: number;
  logger: MessagingLogger;
}

export interface RetentionRound {
  outboxDeleted: number;
  inboxDeleted: number;
}

// Each batch is one short autocommit statement over at most `batchSize` rows, so no lock is held for long. SKIP LOCKED
// lets replicas prune side by side (each takes rows the others have not locked) instead of queueing on each other.
// `ctid = ANY(ARRAY(...))` plans as a TID scan; the rows are locked by the subquery, so their ctids cannot move.
// Unpublished outbox rows are never candidates, however old: they are events still owed to the broker.
const DELETE_PUBLISHED_OUTBOX_BATCH =
  'DELETE FROM "outbox_messages" WHERE ctid = ANY(ARRAY(' +
  'SELECT ctid FROM "outbox_messages" ' +
  'WHERE "published_at" IS NOT NULL AND "published_at" < now() - make_interval(days => $1) ' +
  'LIMIT $2 FOR UPDATE SKIP LOCKED))';
const DELETE_INBOX_BATCH =
  'DELETE FROM "inbox_messages" WHERE ctid = ANY(ARRAY(' +
  'SELECT ctid FROM "inbox_messages" WHERE "processed_at" < now() - make_interval(days => $1) ' +
  'LIMIT $2 FOR UPDATE SKIP LOCKED))';

/**
 * Keeps `outbox_messages` and `inbox_messages` from growing forever: every `intervalMs` it deletes published outbox
 * rows older than `outboxPublishedDays` and inbox rows older than `inboxDays`, in batches of `batchSize` until a batch
 * comes back short.
 *
 * The inbox window is what makes a redelivery harmless: once a row is gone, a copy of that message would take effect
 * again. It must therefore exceed the longest time a copy can still arrive: the broker's retry span (the sum of the
 * retry delays, plus redeliveries up to the delivery limit), the outbox relay's republish horizon (a row published
 * but not yet marked, by a relay that died, goes out again whenever a relay next runs) and any replay from a parking
 * lot. Days, not minutes, for that reason.
 */
export class MessagingRetention {
  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: MessagingRetentionOptions,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Prunes every `intervalMs`; the first round comes soon after start (within a minute, spread across replicas). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.schedule(Math.random() * Math.min(this.options.intervalMs, 60_000));
  }

  /** Stops scheduling and waits for a round in progress, which ends after its current batch. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round.catch(() => undefined);
  }

  /** One pruning round over both tables; returns how many rows it deleted from each. */
  pruneOnce(): Promise<RetentionRound> {
    const round = this.round.catch(() => undefined).then(() => this.prune());
    this.round = round;
    return round;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pruneOnce()
        .then(({ outboxDeleted, inboxDeleted }) => {
          if (outboxDeleted + inboxDeleted > 0) {
            this.options.logger.log(
              `Retention deleted ${outboxDeleted} published outbox rows and ${inboxDeleted} inbox rows`,
            );
          }
        })
        .catch((error: unknown) =>
          this.options.logger.warn(`Outbox/inbox retention round failed: ${errorMessage(error)}`),
        )
        .finally(() => {
          if (this.running) this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async prune(): Promise<RetentionRound> {
    if (!this.dataSource.isInitialized) return { outboxDeleted: 0, inboxDeleted: 0 };
    const outboxDeleted = await this.deleteInBatches(
      DELETE_PUBLISHED_OUTBOX_BATCH,
      this.options.outboxPublishedDays,
    );
    const inboxDeleted = await this.deleteInBatches(DELETE_INBOX_BATCH, this.options.inboxDays);
    return { outboxDeleted, inboxDeleted };
  }

  private async deleteInBatches(statement: string, days: number): Promise<number> {
    const { batchSize } = this.options;
    let total = 0;
    for (;;) {
      // TypeORM's postgres driver returns [rows, affected count] for a DELETE.
      const [, deleted] = await this.dataSource.query<[unknown[], number]>(statement, [days, batchSize]);
      total += deleted;
      // A short batch means nothing old is left (or the rest is locked by a replica pruning it right now).
      if (deleted < batchSize || this.stopping) return total;
    }
  }
}
