import { AuditLog, type AuditEntryInput } from '@kasho/audit';
import { ledgerEvents, type TransferEventPayload } from '@kasho/contracts';
import { isRetryableTransactionError } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox, type OutboxItem } from '@kasho/messaging';
import { getOrCreateCounter, getOrCreateHistogram } from '@kasho/observability';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { applyBatch } from '../engine/apply-batch';
import {
  type AccountState,
  type BatchOutcome,
  type BatchRequest,
  type ExpiryRequest,
  type StoredTransfer,
  type TransferOutcome,
} from '../engine/engine.types';
import { isCanonicalUuid } from '../ledger-ids';
import { batchDigest, LEDGER_GENESIS_HASH, linkHash } from '../ledger-hash';
import { transferOf } from '../ledger-mappers';
import { type HistoryWrite, LedgerWriteRepository, type PendingWrite } from './ledger-write.repository';

/** Transfers per database transaction, at most (a single request of more goes alone). */
export const MAX_BATCH_TRANSFERS = 8192;
/** Attempts of one batch when PostgreSQL asks for a retry (serialization failure, deadlock, a racing insert). */
const MAX_ATTEMPTS = 6;

export type WriteRequest = BatchRequest | ExpiryRequest;

export interface WriteOptions {
  /** Appended in the batch's transaction when every transfer of this request was created. */
  audit?: AuditEntryInput;
}

interface Queued {
  request: WriteRequest;
  options: WriteOptions;
  size: number;
  resolve(results: TransferOutcome[]): void;
  reject(error: unknown): void;
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
 * The ledger's only write path: group commit. Callers submit requests and await their own results; one loop per
 * process writes the queued requests as one batch in one database transaction (bounded by MAX_BATCH_TRANSFERS),
 * and whatever arrives meanwhile forms the next batch. Correctness comes from the database's locks (accounts, then
 * pending rows, in id order; the chain lock last), not from this queue: replicas may write side by side.
 *
 * A batch is all or nothing: on a retryable database error it runs again from the start; on any other failure
 * every request of the batch fails with `service_unavailable` (retryable: the same ids answer `exists` or create).
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
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: LedgerWriteRepository,
    private readonly outbox: Outbox,
    private readonly auditLog: AuditLog,
  ) {}

  /** Queues `request` for the next batch; resolves with its results (in order) once that batch committed. */
  submit(request: WriteRequest, options: WriteOptions = {}): Promise<TransferOutcome[]> {
    return new Promise<TransferOutcome[]>((resolve, reject) => {
      const size = 'transfers' in request ? request.transfers.length : request.expirations.length;
      this.queue.push({ request, options, size, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.idle = new Promise((done) => (this.markIdle = done));
        // Next turn, not a timer: requests delivered in the same I/O turn share the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Lets the batches already queued finish before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.idle;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeBatch(this.take());
    } finally {
      this.running = false;
      this.markIdle();
    }
  }

  private take(): Queued[] {
    let total = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count].size;
      if (count > 0 && total + next > MAX_BATCH_TRANSFERS) break;
      total += next;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    const started = process.hrtime.bigint();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const results = await this.dataSource.transaction('READ COMMITTED', (manager) =>
          this.writeOnce(manager, batch),
        );
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

  /** One attempt: lock, decide, write, link, enqueue events; answers per request. */
  private async writeOnce(manager: EntityManager, batch: Queued[]): Promise<TransferOutcome[][]> {
    const requests = batch.map((queued) => queued.request);
    const { transferIds, accountIds, pendingIds } = namedIds(requests);

    // Pending transfers' accounts first (immutable columns), so that every account is locked in one ordered pass.
    for (const id of await this.repository.pendingAccounts(manager, [...pendingIds])) accountIds.add(id);
    const locked = await this.repository.lockAccounts(manager, [...accountIds].sort());
    const pendings = await this.repository.lockPendings(manager, [...pendingIds].sort());
    // A pending transfer committed by another replica after the first read names accounts not locked yet.
    for (const pending of pendings.values()) {
      if (!accountIds.has(pending.debitAccountId) || !accountIds.has(pending.creditAccountId)) {
        throw new BatchRetry('a pending transfer appeared after the accounts were locked');
      }
    }
    const existing = await this.repository.existingTransfers(manager, [...transferIds]);
    const now = new Date();
    const accounts = new Map<string, AccountState>();
    for (const [id, account] of locked) accounts.set(id, account.state);
    const outcome = applyBatch({ requests, accounts, pendings, existing, now });
    if (outcome.created.length === 0) return outcome.results;

    const history = historyWrites(outcome, locked);
    await this.repository.updateAccounts(
      manager,
      outcome.accounts.map((state) => ({
        state,
        lastSequence: lastSequenceOf(state.id, history, locked),
      })),
    );
    await this.repository.writePendings(manager, pendingWrites(outcome, now));
    await this.repository.insertHistory(manager, history, now);
    await this.outbox.enqueueMany(manager, events(outcome));

    // Last: the chain lock is held from here to the commit.
    const head = await this.repository.lockChain(manager);
    const sequence = (head?.sequence ?? 0n) + 1n;
    const prevHash = head?.hash ?? LEDGER_GENESIS_HASH;
    const digest = batchDigest(outcome.created);
    await this.repository.insertLink(manager, {
      sequence,
      createdAt: now,
      transferCount: outcome.created.length,
      digest,
      prevHash,
      hash: linkHash({ sequence, createdAt: now, digest, prevHash }),
    });
    await this.repository.insertTransfers(manager, outcome.created, sequence);
    for (const [index, queued] of batch.entries()) {
      const audit = queued.options.audit;
      if (audit && outcome.results[index].every((result) => result.result === 'created')) {
        await this.auditLog.append(manager, audit);
      }
    }
    return outcome.results;
  }
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

/** Each change continues its account's sequence from the locked `last_sequence`. */
function historyWrites(
  outcome: BatchOutcome,
  locked: ReadonlyMap<string, { lastSequence: bigint }>,
): HistoryWrite[] {
  const next = new Map<string, bigint>();
  return outcome.changes.map((change) => {
    const base = next.get(change.accountId) ?? locked.get(change.accountId)?.lastSequence;
    if (base === undefined) throw new Error(`history for account ${change.accountId}, which was not locked`);
    const sequence = base + 1n;
    next.set(change.accountId, sequence);
    return { change, sequence };
  });
}

function lastSequenceOf(
  accountId: string,
  history: readonly HistoryWrite[],
  locked: ReadonlyMap<string, { lastSequence: bigint }>,
): bigint {
  let last = locked.get(accountId)?.lastSequence;
  if (last === undefined) throw new Error(`the engine changed account ${accountId}, which was not locked`);
  for (const row of history) if (row.change.accountId === accountId) last = row.sequence;
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

const EVENT_OF_KIND = {
  single: ledgerEvents.transferCreated,
  pending: ledgerEvents.transferCreated,
  post_pending: ledgerEvents.transferPosted,
  void_pending: ledgerEvents.transferVoided,
  expire_pending: ledgerEvents.transferExpired,
} as const;

type Balances = TransferEventPayload['debitAccount'];

/** One event per created transfer, naming both accounts with their balances right after it. */
function events(outcome: BatchOutcome): Array<OutboxItem<TransferEventPayload>> {
  const after = new Map<string, Balances>();
  for (const change of outcome.changes) {
    after.set(`${change.transferId}:${change.accountId}`, {
      id: change.accountId,
      debitsPending: change.debitsPending.toString(),
      debitsPosted: change.debitsPosted.toString(),
      creditsPending: change.creditsPending.toString(),
      creditsPosted: change.creditsPosted.toString(),
    });
  }
  const final = new Map(outcome.accounts.map((account) => [account.id, account]));
  const balances = (transfer: StoredTransfer, accountId: string): Balances => {
    const change = after.get(`${transfer.id}:${accountId}`);
    if (change) return change;
    const account = final.get(accountId);
    return {
      id: accountId,
      debitsPending: account?.debitsPending.toString() ?? '0',
      debitsPosted: account?.debitsPosted.toString() ?? '0',
      creditsPending: account?.creditsPending.toString() ?? '0',
      creditsPosted: account?.creditsPosted.toString() ?? '0',
    };
  };
  return outcome.created.map((transfer) => ({
    event: EVENT_OF_KIND[transfer.kind],
    payload: {
      transfer: transferOf(transfer),
      debitAccount: balances(transfer, transfer.debitAccountId),
      creditAccount: balances(transfer, transfer.creditAccountId),
    },
    options: { occurredAt: transfer.createdAt },
  }));
}
