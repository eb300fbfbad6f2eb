import { AuditLog, type AuditEntryInput } from '@kasho/audit';
import { isRetryableTransactionError } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { currentContext } from '@kasho/logging';
import { Messaging, outboxReferenceRow } from '@kasho/messaging';
import { getOrCreateCounter, getOrCreateHistogram } from '@kasho/observability';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { applyBatch } from '../engine/apply-batch';
import {
  type AccountState,
  type BatchOutcome,
  type BatchRequest,
  type ExpiryRequest,
  type TransferOutcome,
} from '../engine/engine.types';
import { batchEvents, batchReference, LEDGER_BATCH_EVENTS } from '../events/ledger-events';
import { isCanonicalUuid } from '../ledger-ids';
import { batchDigest, linkHash } from '../ledger-hash';
import {
  type HistoryWrite,
  type LedgerConnection,
  LedgerWriteRepository,
  type PendingWrite,
} from './ledger-write.repository';

/** Transfers per database transaction, at most (a single request of more goes alone). */
export const MAX_BATCH_TRANSFERS = 8192;
/** Attempts of one batch when PostgreSQL asks for a retry (serialization failure, deadlock, a racing insert). */
const MAX_ATTEMPTS = 6;

/** The writer's settings (part of the service's configuration, see config.ts). */
export interface LedgerWriterOptions {
  /** Batches one process writes at once, each on its own connection. */
  inFlight: number;
}

export const LEDGER_WRITER_OPTIONS = Symbol('LEDGER_WRITER_OPTIONS');

export type WriteRequest = BatchRequest | ExpiryRequest;

export interface WriteOptions {
  /** Appended in the batch's transaction when every transfer of this request was created. */
  audit?: AuditEntryInput;
  /** The unit of work the request's events carry; default the current context's. */
  correlationId?: string;
}

interface Queued {
  request: WriteRequest;
  options: WriteOptions;
  size: number;
  /**
   * The transfer, pending and account ids it names (also malformed ones: only compared, never sent to the
   * database): a request waits while a batch in flight names one of them.
   */
  keys: readonly string[];
  /** The submitter's unit of work: the events of its transfers carry it (the batch runs outside that context). */
  correlationId: string | undefined;
  resolve(results: TransferOutcome[]): void;
  reject(error: unknown): void;
}

/** A writing lane: one dedicated connection (pipeline mode), held across batches, one batch at a time. */
interface Lane {
  client: Client | undefined;
}

/** The DataSource's connection settings the writer's own connections reuse (postgres driver). */
interface ConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: unknown;
  database?: string;
  applicationName?: string;
  connectTimeoutMS?: number;
}

/** PostgreSQL or a racing replica made the batch's view stale: run it again from the start. */
class BatchRetry extends Error {}

const UNIQUE_VIOLATION = '23505';

function sqlState(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  return code ?? driverError?.code;
}

/**
 * The ledger's only write path: group commit. Callers submit requests and await their own results; the process
 * writes the queued requests as batches, each in one database transaction (bounded by MAX_BATCH_TRANSFERS), up to
 * `inFlight` batches at once on their own connections, and whatever arrives meanwhile forms the next batch. While
 * one batch waits for its commit (or for a lock) the next is read, decided and written. Correctness comes from the
 * database's locks (accounts, then pending rows, in id order; the chain lock last), not from this queue: replicas,
 * and the batches of one process, may write side by side. The queue only keeps a request out of the next batch
 * while a batch in flight names one of its transfer or pending ids, so that the same id is decided after the first
 * commit, once, rather than by a retry of a whole batch.
 *
 * A batch is five statements on a held connection (see LedgerWriteRepository) plus the outbox rows: lock accounts;
 * lock pendings and read existing transfers; outbox; write state and take the chain lock; append link and transfers.
 * It is all or nothing: on a retryable database error it runs again from the start; on any other failure every
 * request of the batch fails with `service_unavailable` (retryable: the same ids answer `exists` or create).
 */
@Injectable()
export class LedgerWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LedgerWriter');
  private readonly batchSize = getOrCreateHistogram({
    name: 'kasho_ledger_batch_transfers',
    help: 'Transfers per ledger write batch.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192],
  });
  private readonly batchSeconds = getOrCreateHistogram({
    name: 'kasho_ledger_batch_duration_seconds',
    help: 'Time to write one ledger batch, retries included.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  private readonly retries = getOrCreateCounter({
    name: 'kasho_ledger_batch_retries_total',
    help: 'Ledger write batches run again after a serialization failure, deadlock or racing insert.',
  });
  private queue: Queued[] = [];
  private readonly lanes: Lane[];
  private readonly freeLanes: Lane[];
  /** The transfer, pending and account ids each batch in flight names. */
  private readonly inFlightKeys = new Set<ReadonlySet<string>>();
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: LedgerWriteRepository,
    private readonly messaging: Messaging,
    private readonly auditLog: AuditLog,
    @Inject(LEDGER_WRITER_OPTIONS) options: LedgerWriterOptions,
  ) {
    this.lanes = Array.from({ length: Math.max(1, options.inFlight) }, () => ({ client: undefined }));
    this.freeLanes = [...this.lanes];
  }

  /** Queues `request` for the next batch; resolves with its results (in order) once that batch committed. */
  submit(request: WriteRequest, options: WriteOptions = {}): Promise<TransferOutcome[]> {
    return new Promise<TransferOutcome[]>((resolve, reject) => {
      const size = 'transfers' in request ? request.transfers.length : request.expirations.length;
      if (this.busy === false) {
        this.idle = new Promise((done) => (this.markIdle = done));
      }
      const correlationId = options.correlationId ?? currentContext()?.correlationId;
      this.queue.push({ request, options, size, keys: keysOf(request), correlationId, resolve, reject });
      this.schedule();
    });
  }

  /** Lets the batches already queued finish, then gives the connections back, before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.idle;
    for (const lane of this.lanes) {
      const client = lane.client;
      lane.client = undefined;
      await client?.end().catch(() => undefined);
    }
  }

  private get busy(): boolean {
    return this.queue.length > 0 || this.freeLanes.length < this.lanes.length;
  }

  /** Next turn, not a timer: requests delivered in the same I/O turn share a batch. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Starts a batch on every free lane while requests wait that no batch in flight conflicts with. */
  private pump(): void {
    while (this.freeLanes.length > 0 && this.queue.length > 0) {
      // A fair share per free lane: one batch is one PostgreSQL backend, one core; two half batches on two
      // lanes write side by side, where one whole batch would leave the other lane (and core) idle.
      const queued = this.queue.reduce((sum, waiting) => sum + waiting.size, 0);
      const { batch, keys } = this.take(Math.ceil(queued / this.freeLanes.length));
      if (batch.length === 0) break;
      const lane = this.freeLanes.pop() as Lane;
      // One set per batch in flight, dropped whole when it ends (counting keys in one map cost more than the engine).
      this.inFlightKeys.add(keys);
      void this.writeBatch(lane, batch).finally(() => {
        this.inFlightKeys.delete(keys);
        this.freeLanes.push(lane);
        this.pump();
      });
    }
    if (!this.busy) this.markIdle();
  }

  /**
   * The next batch: queued requests in order, leaving in the queue those that name an id or account of a batch in
   * flight — so the batches of this process never wait for each other's row locks (a lane would sit on its
   * connection until the other commits), and the same id is decided once, after the first commit. A request left
   * waiting also holds back later ones naming its ids or accounts, so nothing overtakes it. Independent requests
   * stop at `share` transfers (the rest is for the other lanes), but a request naming an account of this batch
   * joins it whatever the share (up to MAX_BATCH_TRANSFERS): no other lane could take it before this batch commits
   * (a hot account's transfers all go into one batch instead of half of them waiting a turn).
   */
  private take(share: number): { batch: Queued[]; keys: ReadonlySet<string> } {
    const batch: Queued[] = [];
    const rest: Queued[] = [];
    const batchKeys = new Set<string>();
    const heldBack = new Set<string>();
    const waits = (key: string): boolean => {
      for (const keys of this.inFlightKeys) if (keys.has(key)) return true;
      return heldBack.has(key);
    };
    const leave = (queued: Queued): void => {
      for (const key of queued.keys) heldBack.add(key);
      rest.push(queued);
    };
    let total = 0;
    for (const queued of this.queue) {
      const fits = batch.length === 0 || total + queued.size <= MAX_BATCH_TRANSFERS;
      if (!fits || ((this.inFlightKeys.size > 0 || heldBack.size > 0) && queued.keys.some(waits))) {
        leave(queued);
        continue;
      }
      const joinsBatch = batch.length > 0 && queued.keys.some((key) => batchKeys.has(key));
      if (batch.length > 0 && !joinsBatch && total + queued.size > share) {
        leave(queued);
        continue;
      }
      batch.push(queued);
      total += queued.size;
      for (const key of queued.keys) batchKeys.add(key);
    }
    this.queue = rest;
    return { batch, keys: batchKeys };
  }

  private async writeBatch(lane: Lane, batch: Queued[]): Promise<void> {
    const started = process.hrtime.bigint();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const results = await this.transaction(lane, batch);
        batch.forEach((queued, index) => queued.resolve(results[index]));
        this.batchSize.observe(batch.reduce((sum, queued) => sum + queued.size, 0));
        this.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return;
      } catch (error) {
        const retryable =
          error instanceof BatchRetry ||
          isRetryableTransactionError(error) ||
          sqlState(error) === UNIQUE_VIOLATION;
        if (retryable && attempt < MAX_ATTEMPTS) {
          this.retries.inc();
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
          continue;
        }
        this.logger.error(
          `Ledger batch of ${batch.length} requests failed: ${error instanceof Error ? error.message : String(error)}`,
          error instanceof Error ? error.stack : undefined,
        );
        const failure = new DomainError(
          ErrorCode.ServiceUnavailable,
          'The ledger could not write this batch; retry with the same transfer ids',
          { retryable: true, cause: error },
        );
        for (const queued of batch) queued.reject(failure);
        return;
      }
    }
  }

  /** The lane's connection, opened on first use and again after a failure. */
  private async connection(lane: Lane): Promise<Client> {
    if (lane.client) return lane.client;
    const options = this.dataSource.options as ConnectionOptions;
    const client = new Client({
      connectionString: options.url,
      host: options.host,
      port: options.port,
      user: options.username,
      password: typeof options.password === 'string' ? options.password : undefined,
      database: options.database,
      application_name: options.applicationName,
      connectionTimeoutMillis: options.connectTimeoutMS,
      // Every statement of a flight goes out before the first answer: two round trips per batch.
      pipeline: true,
    });
    client.on('error', (error) => {
      this.logger.warn(`Ledger writer connection failed: ${error.message}`);
      if (lane.client === client) lane.client = undefined;
    });
    await client.connect();
    lane.client = client;
    return client;
  }

  /** A batch in one READ COMMITTED transaction on the lane's connection; rolled back (or dropped) on failure. */
  private async transaction(lane: Lane, batch: Queued[]): Promise<TransferOutcome[][]> {
    const client = await this.connection(lane);
    try {
      return await this.writeOnce(client, batch);
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      if (!rolledBack || sqlState(error) === undefined) {
        if (lane.client === client) lane.client = undefined;
        await client.end().catch(() => undefined);
      }
      throw error;
    }
  }

  /** One attempt: lock and read (flight 1), decide, write, link and commit (flight 2); answers per request. */
  private async writeOnce(db: LedgerConnection, batch: Queued[]): Promise<TransferOutcome[][]> {
    const requests = batch.map((queued) => queued.request);
    const { transferIds, accountIds, pendingIds } = namedIds(requests);

    const {
      accounts: locked,
      pendings,
      existing,
    } = await this.repository.begin(db, [...accountIds].sort(), [...pendingIds].sort(), [...transferIds]);
    // A pending transfer committed by another batch after the accounts were read names accounts not locked yet.
    for (const pending of pendings.values()) {
      if (!locked.has(pending.debitAccountId) || !locked.has(pending.creditAccountId)) {
        throw new BatchRetry('a pending transfer appeared after the accounts were locked');
      }
    }
    const now = new Date();
    const accounts = new Map<string, AccountState>();
    for (const [id, account] of locked) accounts.set(id, account.state);
    const outcome = applyBatch({ requests, accounts, pendings, existing, now });
    if (outcome.created.length === 0) {
      await db.query('ROLLBACK');
      return outcome.results;
    }

    const history = historyWrites(outcome, locked);
    const audits = batch.flatMap((queued, index) =>
      queued.options.audit && outcome.results[index].every((result) => result.result === 'created')
        ? [queued.options.audit]
        : [],
    );
    const digest = batchDigest(outcome.created);
    // One outbox row for the batch's events, a reference: the transfers and history rows written with it hold
    // every field of them (see LedgerEventExpander).
    const events = batchEvents(outcome.created, outcome.changes, correlationsOf(batch, outcome));
    const outbox = outboxReferenceRow(LEDGER_BATCH_EVENTS, batchReference(outcome.created, events), events);
    const link = await this.repository.write(
      db,
      {
        accounts: outcome.accounts.map((state) => ({
          state,
          lastSequence: lastSequenceOf(state.id, history.last, locked),
        })),
        history: history.rows,
        pendings: pendingWrites(outcome, now),
        outbox,
        transfers: outcome.created,
        now,
        digest,
      },
      audits.length === 0,
    );
    if (audits.length > 0) {
      // Rare (admin transfers): the audit chain's own statements, in this transaction, then the commit.
      const manager = inTransaction(db);
      for (const audit of audits) await this.auditLog.append(manager, audit);
      await db.query('COMMIT');
    }
    // Committed: the events leave now, from memory; the relay is the fallback (LEDGER_OUTBOX_FALLBACK_DELAY_MS).
    this.messaging.outboxRelay?.publishCommitted([outbox]);
    // The database computed the link's hash (under the chain lock, with no round trip); it must be linkHash's.
    // `ledger-verify` would name this link; say so at once.
    const expected = linkHash({ sequence: link.sequence, createdAt: now, digest, prevHash: link.prevHash });
    if (!expected.equals(link.hash) || link.inserted !== outcome.created.length) {
      this.logger.error(`Ledger link ${link.sequence} was not appended as linkHash computes it`);
    }
    return outcome.results;
  }
}

/**
 * The transaction in progress on `db`, as the EntityManager that `AuditLog.append` takes (it only runs queries and
 * checks that a transaction is active).
 */
function inTransaction(db: LedgerConnection): EntityManager {
  return {
    queryRunner: { isTransactionActive: true, data: {} },
    query: async (text: string, values?: unknown[]) => (await db.query({ text, values })).rows,
  } as unknown as EntityManager;
}

/** Every id a request names, as given: what keeps a request out of a batch while another batch holds one. */
function keysOf(request: WriteRequest): string[] {
  const ids: string[] = [];
  const add = (id: unknown): void => {
    if (typeof id === 'string') ids.push(id.toLowerCase());
  };
  if ('transfers' in request) {
    for (const transfer of request.transfers) {
      add(transfer.id);
      add(transfer.pendingId);
      add(transfer.debitAccountId);
      add(transfer.creditAccountId);
    }
  } else {
    for (const expiration of request.expirations) {
      add(expiration.id);
      add(expiration.pendingId);
    }
  }
  return ids;
}

/**
 * The ids a batch names, for its reads and locks. Malformed ids are left out: the engine answers
 * `invalid_transfer` for them, and one of them in `= ANY($1::uuid[])` would fail every request of the batch.
 */
function namedIds(requests: readonly WriteRequest[]): {
  transferIds: Set<string>;
  accountIds: Set<string>;
  pendingIds: Set<string>;
} {
  const transferIds = new Set<string>();
  const accountIds = new Set<string>();
  const pendingIds = new Set<string>();
  const add = (set: Set<string>, id: unknown): void => {
    if (isCanonicalUuid(id)) set.add(id);
  };
  for (const request of requests) {
    if ('transfers' in request) {
      for (const transfer of request.transfers) {
        add(transferIds, transfer.id);
        add(accountIds, transfer.debitAccountId);
        add(accountIds, transfer.creditAccountId);
        add(pendingIds, transfer.pendingId);
      }
    } else {
      for (const expiration of request.expirations) {
        add(transferIds, expiration.id);
        add(pendingIds, expiration.pendingId);
      }
    }
  }
  return { transferIds, accountIds, pendingIds };
}

/**
 * Each change continues its account's sequence from the locked `last_sequence`; `last` is each changed account's
 * last sequence written (one pass: a funding batch of thousands of accounts must not scan the history per account).
 */
function historyWrites(
  outcome: BatchOutcome,
  locked: ReadonlyMap<string, { lastSequence: bigint }>,
): { rows: HistoryWrite[]; last: ReadonlyMap<string, bigint> } {
  const last = new Map<string, bigint>();
  const rows = outcome.changes.map((change) => {
    const base = last.get(change.accountId) ?? locked.get(change.accountId)?.lastSequence;
    if (base === undefined) throw new Error(`history for account ${change.accountId}, which was not locked`);
    const sequence = base + 1n;
    last.set(change.accountId, sequence);
    return { change, sequence };
  });
  return { rows, last };
}

function lastSequenceOf(
  accountId: string,
  written: ReadonlyMap<string, bigint>,
  locked: ReadonlyMap<string, { lastSequence: bigint }>,
): bigint {
  const last = written.get(accountId) ?? locked.get(accountId)?.lastSequence;
  if (last === undefined) throw new Error(`the engine changed account ${accountId}, which was not locked`);
  return last;
}

/** The engine's final pending states, with the transfer that resolved each (post, void or expire) and when. */
function pendingWrites(outcome: BatchOutcome, now: Date): PendingWrite[] {
  const resolvers = new Map<string, string>();
  for (const transfer of outcome.created) {
    if (transfer.pendingId && transfer.kind !== 'pending') resolvers.set(transfer.pendingId, transfer.id);
  }
  return outcome.pendings.map((state) => {
    const resolvedBy = state.status === 'pending' ? null : (resolvers.get(state.id) ?? null);
    return { state, resolvedBy, resolvedAt: resolvedBy ? now : null };
  });
}

/** Which request's correlation id each transfer the batch created belongs to. */
function correlationsOf(batch: readonly Queued[], outcome: BatchOutcome): Map<string, string> {
  const correlations = new Map<string, string>();
  batch.forEach((queued, index) => {
    if (queued.correlationId === undefined) return;
    for (const result of outcome.results[index]) {
      if (result.result === 'created') correlations.set(result.id, queued.correlationId);
    }
  });
  return correlations;
}
