import type { CreateTransfer, TransferResultCode } from '@kasho/contracts';
import {
  MAX_AMOUNT,
  type AccountState,
  type BalanceChange,
  type BatchInput,
  type BatchOutcome,
  type BatchRequest,
  type ExpiryRequest,
  type PendingState,
  type StoredTransfer,
  type TransferOutcome,
} from './engine.types';

/**
 * The pure ledger engine: TigerBeetle's create_transfers semantics over the state a write batch locked.
 *
 * Decisions the writer, the reads and the tests rely on (the unit tests pin each one):
 * - Order of checks for every transfer: shape (`invalid_transfer`), then idempotency (`exists` /
 *   `exists_with_different_fields`), then the rules of its kind. A retry of a stored transfer is therefore answered
 *   from the store whatever the accounts look like now, and a malformed retry is `invalid_transfer`.
 * - Shape (`invalid_transfer`): ids are canonical lowercase UUIDs (the engine compares ids as strings, so an
 *   uppercase spelling of a stored id would otherwise slip past idempotency); code an integer 1–65535; kind one
 *   of TRANSFER_KINDS; reference and description strings; metadata absent or an object of strings; amount a
 *   canonical digit string ('0' or no leading zero); currency three capital letters; `single`/`pending` need both
 *   accounts, amount and currency and no pendingId; `post_pending`/`void_pending` need a pendingId different from
 *   their own id; timeoutSeconds only on `pending`, an integer 0–2^32−1 (0, like absent, means no timeout).
 *   `null` counts as absent for every optional field.
 * - `exists_with_different_fields` names the first differing field in this order: kind, debitAccountId,
 *   creditAccountId, amount, currency, code, pendingId, timeoutSeconds, reference, description, metadata.
 *   post/void compare the accounts and currency only if the caller sent them; their amount absent or '0' means
 *   the whole pending amount. `linked` is not stored and not compared. An expiry's id collides the same way
 *   (kind, pendingId).
 * - `single`/`pending`: accounts_must_be_different, amount_must_be_positive, overflow (amount > MAX_AMOUNT),
 *   account_not_found, currency_mismatch (the two accounts and `currency`), account_closed, overflow (pending +
 *   posted + amount past MAX_AMOUNT on the debit side's debits or the credit side's credits: as in TigerBeetle,
 *   this keeps pending + posted ≤ MAX_AMOUNT, so posting can never overflow), exceeds_credits, exceeds_debits.
 * - `post_pending`/`void_pending`: pending_transfer_not_found (no pending transfer with that id, even if another
 *   kind of transfer has it: the writer loads pending rows only), pending_transfer_already_posted / _voided /
 *   pending_transfer_expired (status expired, or expiresAt ≤ now), invalid_transfer (an account given that is not
 *   the pending's), currency_mismatch (a currency given that is not the pending's), exceeds_pending_transfer_amount
 *   (amount above the pending amount), invalid_transfer (a void with an amount other than 0 or the whole amount:
 *   voids are never partial), account_not_found, account_closed (post only: a void or an expiry only releases a
 *   hold, which must stay possible on a closed account).
 * - Limits are not re-checked on post or void: posting P of a pending amount A (P ≤ A) changes the debit account by
 *   debitsPending −A, debitsPosted +P and the credit account by creditsPending −A, creditsPosted +P. Each flagged
 *   side's left-hand sum (pending + posted) only falls, and each right-hand side (the other posted column) only
 *   grows, so a state within the limits stays within them; voiding and expiring only lower pending columns.
 * - Expiry: not_found, already_posted / already_voided, pending_transfer_expired (expired already), and
 *   pending_transfer_not_pending when the transfer is pending but not due at `now` (no timeout, or expiresAt > now).
 *   The created transfer has code EXPIRE_PENDING_CODE and the description EXPIRE_PENDING_DESCRIPTION.
 * - Linked chains: `exists` counts as success inside a chain (TigerBeetle breaks the chain on it), so a retried
 *   chain answers `exists` throughout. A failing chain is rolled back; the failing transfer keeps its code, every
 *   other one (before and after it) is `linked_event_failed`. A request ending with `linked: true`: every transfer
 *   of that trailing run is `linked_chain_open` and is not evaluated.
 * - Output: `accounts` are the accounts with at least one history row in `changes`, in order of first change;
 *   `pendings` the new and changed pending rows. Input objects are never mutated; created transfers share the
 *   batch's `now` Date.
 */

/** Code of the `expire_pending` transfers the engine creates: 0 is outside the business codes (1–65535). */
export const EXPIRE_PENDING_CODE = 0;
export const EXPIRE_PENDING_DESCRIPTION = 'pending transfer expired';
/** TigerBeetle's timeout is a u32 of seconds. */
export const MAX_TIMEOUT_SECONDS = 2 ** 32 - 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGITS = /^(?:0|[1-9][0-9]*)$/;
const CURRENCY = /^[A-Z]{3}$/;
/** Any amount with more digits than MAX_AMOUNT is above it; parsing it would only waste time. */
const MAX_AMOUNT_DIGITS = MAX_AMOUNT.toString().length;
const ABOVE_MAX = MAX_AMOUNT + 1n;

const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

export function applyBatch(input: BatchInput): BatchOutcome {
  const engine = new BatchEngine(input);
  const results = input.requests.map((request) =>
    isExpiryRequest(request) ? engine.expire(request) : engine.request(request),
  );
  return engine.outcome(results);
}

function isExpiryRequest(request: BatchRequest | ExpiryRequest): request is ExpiryRequest {
  return 'expirations' in request;
}

interface AccountUndo {
  account: AccountState;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

interface PendingUndo {
  id: string;
  /** The override before the change; undefined: there was none (the input's row or no row). */
  previous: PendingState | undefined;
}

class BatchEngine {
  /** Working copies of the accounts this batch wrote (copy on first write). */
  private readonly accounts = new Map<string, AccountState>();
  /** New and changed pending rows (replaced, never mutated). */
  private readonly pendings = new Map<string, PendingState>();
  private readonly createdById = new Map<string, StoredTransfer>();
  private readonly created: StoredTransfer[] = [];
  private readonly changes: BalanceChange[] = [];
  private readonly nowMs: number;

  /** Undo logs, kept only while a linked chain is open. */
  private inChain = false;
  private readonly accountUndo: AccountUndo[] = [];
  private readonly pendingUndo: PendingUndo[] = [];
  private chainCreated = 0;
  private chainChanges = 0;

  constructor(private readonly input: BatchInput) {
    this.nowMs = input.now.getTime();
  }

  request(request: BatchRequest): TransferOutcome[] {
    const transfers: unknown = (request as Partial<BatchRequest>).transfers;
    if (!Array.isArray(transfers)) return [];
    const list = transfers as unknown[];
    const n = list.length;
    const results = new Array<TransferOutcome>(n);

    let openFrom = n;
    if (n > 0 && isLinked(list[n - 1])) {
      openFrom = n - 1;
      while (openFrom > 0 && isLinked(list[openFrom - 1])) openFrom--;
      for (let i = openFrom; i < n; i++) results[i] = { id: idOf(list[i]), result: 'linked_chain_open' };
    }

    let i = 0;
    while (i < openFrom) {
      if (!isLinked(list[i])) {
        results[i] = this.apply(list[i]);
        i++;
        continue;
      }
      // A chain: list[i..end], where list[end] is the first transfer not linked (it exists: i < openFrom).
      let end = i;
      while (isLinked(list[end])) end++;
      this.beginChain();
      let failedAt = -1;
      for (let k = i; k <= end; k++) {
        const outcome = this.apply(list[k]);
        results[k] = outcome;
        if (outcome.result !== 'created' && outcome.result !== 'exists') {
          failedAt = k;
          break;
        }
      }
      if (failedAt >= 0) {
        this.rollbackChain();
        for (let k = i; k <= end; k++) {
          if (k !== failedAt) results[k] = { id: idOf(list[k]), result: 'linked_event_failed' };
        }
      }
      this.endChain();
      i = end + 1;
    }
    return results;
  }

  expire(request: ExpiryRequest): TransferOutcome[] {
    const expirations: unknown = (request as Partial<ExpiryRequest>).expirations;
    if (!Array.isArray(expirations)) return [];
    return (expirations as unknown[]).map((expiration) => this.applyExpiration(expiration));
  }

  outcome(results: TransferOutcome[][]): BatchOutcome {
    const accounts: AccountState[] = [];
    const seen = new Set<string>();
    for (const change of this.changes) {
      if (seen.has(change.accountId)) continue;
      seen.add(change.accountId);
      accounts.push(this.accounts.get(change.accountId)!);
    }
    return {
      results,
      created: this.created,
      accounts,
      pendings: [...this.pendings.values()],
      changes: this.changes,
    };
  }

  private apply(raw: unknown): TransferOutcome {
    if (!isWellFormed(raw)) return { id: idOf(raw), result: 'invalid_transfer' };
    const transfer = raw;
    const stored = this.createdById.get(transfer.id) ?? this.input.existing.get(transfer.id);
    if (stored !== undefined) {
      const field = this.firstDifference(transfer, stored);
      return field === undefined
        ? { id: transfer.id, result: 'exists', transfer: stored }
        : { id: transfer.id, result: 'exists_with_different_fields', field };
    }
    switch (transfer.kind) {
      case 'single':
      case 'pending':
        return this.createTransfer(transfer);
      case 'post_pending':
      case 'void_pending':
        return this.resolvePending(transfer);
    }
  }

  private createTransfer(t: CreateTransfer): TransferOutcome {
    const id = t.id;
    const debitAccountId = t.debitAccountId!;
    const creditAccountId = t.creditAccountId!;
    const currency = t.currency!;
    const amount = parseAmount(t.amount!);
    if (debitAccountId === creditAccountId) return fail(id, 'accounts_must_be_different');
    if (amount === 0n) return fail(id, 'amount_must_be_positive');
    if (amount > MAX_AMOUNT) return fail(id, 'overflow');
    const debit = this.account(debitAccountId);
    const credit = this.account(creditAccountId);
    if (debit === undefined || credit === undefined) return fail(id, 'account_not_found');
    if (debit.currency !== currency || credit.currency !== currency) return fail(id, 'currency_mismatch');
    if (debit.closed || credit.closed) return fail(id, 'account_closed');
    const debits = debit.debitsPending + debit.debitsPosted + amount;
    const credits = credit.creditsPending + credit.creditsPosted + amount;
    if (debits > MAX_AMOUNT || credits > MAX_AMOUNT) return fail(id, 'overflow');
    if (debit.flags.debitsMustNotExceedCredits && debits > debit.creditsPosted)
      return fail(id, 'exceeds_credits');
    if (credit.flags.creditsMustNotExceedDebits && credits > credit.debitsPosted)
      return fail(id, 'exceeds_debits');

    const pending = t.kind === 'pending';
    const timeoutSeconds = pending ? (t.timeoutSeconds ?? 0) : 0;
    const timeoutAt = timeoutSeconds > 0 ? new Date(this.nowMs + timeoutSeconds * 1000) : null;
    const dr = this.writable(debit);
    const cr = this.writable(credit);
    if (pending) {
      dr.debitsPending += amount;
      cr.creditsPending += amount;
      this.setPending({
        id,
        debitAccountId,
        creditAccountId,
        amount,
        currency,
        status: 'pending',
        expiresAt: timeoutAt,
      });
    } else {
      dr.debitsPosted += amount;
      cr.creditsPosted += amount;
    }
    return this.record(
      {
        id,
        kind: t.kind,
        debitAccountId,
        creditAccountId,
        amount,
        currency,
        code: t.code,
        pendingId: null,
        timeoutAt,
        reference: t.reference,
        description: t.description,
        metadata: t.metadata == null ? {} : { ...t.metadata },
        createdAt: this.input.now,
      },
      dr,
      cr,
    );
  }

  private resolvePending(t: CreateTransfer): TransferOutcome {
    const id = t.id;
    const post = t.kind === 'post_pending';
    const pending = this.pending(t.pendingId!);
    if (pending === undefined) return fail(id, 'pending_transfer_not_found');
    const notPending = this.statusFailure(pending);
    if (notPending !== undefined) return fail(id, notPending);
    if (pending.expiresAt !== null && pending.expiresAt.getTime() <= this.nowMs) {
      return fail(id, 'pending_transfer_expired');
    }
    if (
      (t.debitAccountId != null && t.debitAccountId !== pending.debitAccountId) ||
      (t.creditAccountId != null && t.creditAccountId !== pending.creditAccountId)
    ) {
      return fail(id, 'invalid_transfer');
    }
    if (t.currency != null && t.currency !== pending.currency) return fail(id, 'currency_mismatch');
    let amount = pending.amount;
    if (t.amount != null) {
      const requested = parseAmount(t.amount);
      if (requested > pending.amount) return fail(id, 'exceeds_pending_transfer_amount');
      if (requested !== 0n) {
        if (!post && requested !== pending.amount) return fail(id, 'invalid_transfer');
        amount = requested;
      }
    }
    const debit = this.account(pending.debitAccountId);
    const credit = this.account(pending.creditAccountId);
    if (debit === undefined || credit === undefined) return fail(id, 'account_not_found');
    if (post && (debit.closed || credit.closed)) return fail(id, 'account_closed');
    // Unreachable while pending + posted ≤ MAX_AMOUNT holds (see createTransfer); cheap insurance against old rows.
    if (post && (debit.debitsPosted + amount > MAX_AMOUNT || credit.creditsPosted + amount > MAX_AMOUNT)) {
      return fail(id, 'overflow');
    }

    const { dr, cr } = this.release(pending, debit, credit, post ? 'posted' : 'voided');
    if (post) {
      dr.debitsPosted += amount;
      cr.creditsPosted += amount;
    }
    return this.record(
      {
        id,
        kind: t.kind,
        debitAccountId: pending.debitAccountId,
        creditAccountId: pending.creditAccountId,
        amount,
        currency: pending.currency,
        code: t.code,
        pendingId: pending.id,
        timeoutAt: null,
        reference: t.reference,
        description: t.description,
        metadata: t.metadata == null ? {} : { ...t.metadata },
        createdAt: this.input.now,
      },
      dr,
      cr,
    );
  }

  private applyExpiration(raw: unknown): TransferOutcome {
    const expiration = raw as { id?: unknown; pendingId?: unknown } | null;
    if (
      typeof expiration !== 'object' ||
      expiration === null ||
      !isUuid(expiration.id) ||
      !isUuid(expiration.pendingId) ||
      expiration.id === expiration.pendingId
    ) {
      return { id: idOf(raw), result: 'invalid_transfer' };
    }
    const id = expiration.id;
    const pendingId = expiration.pendingId;
    const stored = this.createdById.get(id) ?? this.input.existing.get(id);
    if (stored !== undefined) {
      if (stored.kind !== 'expire_pending')
        return { id, result: 'exists_with_different_fields', field: 'kind' };
      if (stored.pendingId !== pendingId)
        return { id, result: 'exists_with_different_fields', field: 'pendingId' };
      return { id, result: 'exists', transfer: stored };
    }
    const pending = this.pending(pendingId);
    if (pending === undefined) return fail(id, 'pending_transfer_not_found');
    const notPending = this.statusFailure(pending);
    if (notPending !== undefined) return fail(id, notPending);
    if (pending.expiresAt === null || pending.expiresAt.getTime() > this.nowMs) {
      return fail(id, 'pending_transfer_not_pending');
    }
    const debit = this.account(pending.debitAccountId);
    const credit = this.account(pending.creditAccountId);
    if (debit === undefined || credit === undefined) return fail(id, 'account_not_found');
    const { dr, cr } = this.release(pending, debit, credit, 'expired');
    return this.record(
      {
        id,
        kind: 'expire_pending',
        debitAccountId: pending.debitAccountId,
        creditAccountId: pending.creditAccountId,
        amount: pending.amount,
        currency: pending.currency,
        code: EXPIRE_PENDING_CODE,
        pendingId,
        timeoutAt: null,
        reference: '',
        description: EXPIRE_PENDING_DESCRIPTION,
        metadata: {},
        createdAt: this.input.now,
      },
      dr,
      cr,
    );
  }

  private statusFailure(pending: PendingState): TransferResultCode | undefined {
    switch (pending.status) {
      case 'pending':
        return undefined;
      case 'posted':
        return 'pending_transfer_already_posted';
      case 'voided':
        return 'pending_transfer_already_voided';
      case 'expired':
        return 'pending_transfer_expired';
    }
  }

  /** Takes the whole pending amount out of both pending columns and marks the pending transfer resolved. */
  private release(
    pending: PendingState,
    debit: AccountState,
    credit: AccountState,
    status: 'posted' | 'voided' | 'expired',
  ): { dr: AccountState; cr: AccountState } {
    if (debit.debitsPending < pending.amount || credit.creditsPending < pending.amount) {
      throw new Error(
        `ledger state is inconsistent: pending transfer ${pending.id} holds more than its accounts' pending columns`,
      );
    }
    const dr = this.writable(debit);
    const cr = this.writable(credit);
    dr.debitsPending -= pending.amount;
    cr.creditsPending -= pending.amount;
    this.setPending({ ...pending, status });
    return { dr, cr };
  }

  private record(transfer: StoredTransfer, debit: AccountState, credit: AccountState): TransferOutcome {
    this.created.push(transfer);
    this.createdById.set(transfer.id, transfer);
    this.changes.push(changeOf(debit, transfer.id), changeOf(credit, transfer.id));
    return { id: transfer.id, result: 'created', transfer };
  }

  private account(id: string): AccountState | undefined {
    return this.accounts.get(id) ?? this.input.accounts.get(id);
  }

  /** The working copy of an account (copied on first write), with its values saved while a chain is open. */
  private writable(account: AccountState): AccountState {
    let copy = this.accounts.get(account.id);
    if (copy === undefined) {
      copy = { ...account };
      this.accounts.set(account.id, copy);
    }
    if (this.inChain) {
      this.accountUndo.push({
        account: copy,
        debitsPending: copy.debitsPending,
        debitsPosted: copy.debitsPosted,
        creditsPending: copy.creditsPending,
        creditsPosted: copy.creditsPosted,
      });
    }
    return copy;
  }

  private pending(id: string): PendingState | undefined {
    return this.pendings.get(id) ?? this.input.pendings.get(id);
  }

  private setPending(pending: PendingState): void {
    if (this.inChain) this.pendingUndo.push({ id: pending.id, previous: this.pendings.get(pending.id) });
    this.pendings.set(pending.id, pending);
  }

  private beginChain(): void {
    this.inChain = true;
    this.chainCreated = this.created.length;
    this.chainChanges = this.changes.length;
  }

  private rollbackChain(): void {
    for (let i = this.accountUndo.length - 1; i >= 0; i--) {
      const undo = this.accountUndo[i];
      undo.account.debitsPending = undo.debitsPending;
      undo.account.debitsPosted = undo.debitsPosted;
      undo.account.creditsPending = undo.creditsPending;
      undo.account.creditsPosted = undo.creditsPosted;
    }
    for (let i = this.pendingUndo.length - 1; i >= 0; i--) {
      const undo = this.pendingUndo[i];
      if (undo.previous === undefined) this.pendings.delete(undo.id);
      else this.pendings.set(undo.id, undo.previous);
    }
    for (let i = this.chainCreated; i < this.created.length; i++) this.createdById.delete(this.created[i].id);
    this.created.length = this.chainCreated;
    this.changes.length = this.chainChanges;
  }

  private endChain(): void {
    this.inChain = false;
    this.accountUndo.length = 0;
    this.pendingUndo.length = 0;
  }

  /** The first field (in the documented order) where a request differs from the stored transfer with its id. */
  private firstDifference(t: CreateTransfer, stored: StoredTransfer): string | undefined {
    if (t.kind !== stored.kind) return 'kind';
    if (t.debitAccountId != null && t.debitAccountId !== stored.debitAccountId) return 'debitAccountId';
    if (t.creditAccountId != null && t.creditAccountId !== stored.creditAccountId) return 'creditAccountId';
    let amount = t.amount == null ? 0n : parseAmount(t.amount);
    if (amount === 0n && (t.kind === 'post_pending' || t.kind === 'void_pending')) {
      // "All of it": the pending amount. Without the pending row (the writer loads it for every post/void it
      // sees) the stored amount is the best answer there is.
      amount = this.pending(t.pendingId!)?.amount ?? stored.amount;
    }
    if (amount !== stored.amount) return 'amount';
    if (t.currency != null && t.currency !== stored.currency) return 'currency';
    if (t.code !== stored.code) return 'code';
    if ((t.pendingId ?? null) !== stored.pendingId) return 'pendingId';
    // Rounded: a created_at written by another clock than the engine's must not turn a retry into a conflict.
    const storedTimeout =
      stored.timeoutAt === null
        ? 0
        : Math.round((stored.timeoutAt.getTime() - stored.createdAt.getTime()) / 1000);
    if ((t.timeoutSeconds ?? 0) !== storedTimeout) return 'timeoutSeconds';
    if (t.reference !== stored.reference) return 'reference';
    if (t.description !== stored.description) return 'description';
    if (!sameMetadata(t.metadata ?? NO_METADATA, stored.metadata)) return 'metadata';
    return undefined;
  }
}

function fail(id: string, result: TransferResultCode): TransferOutcome {
  return { id, result };
}

function changeOf(account: AccountState, transferId: string): BalanceChange {
  return {
    accountId: account.id,
    transferId,
    debitsPending: account.debitsPending,
    debitsPosted: account.debitsPosted,
    creditsPending: account.creditsPending,
    creditsPosted: account.creditsPosted,
  };
}

function parseAmount(digits: string): bigint {
  return digits.length > MAX_AMOUNT_DIGITS ? ABOVE_MAX : BigInt(digits);
}

function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || a[key] !== b[key]) return false;
  }
  return true;
}

function isLinked(transfer: unknown): boolean {
  return (
    typeof transfer === 'object' && transfer !== null && (transfer as { linked?: unknown }).linked === true
  );
}

function idOf(transfer: unknown): string {
  if (typeof transfer !== 'object' || transfer === null) return '';
  const id = (transfer as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}

function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

function isOptional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value == null || check(value);
}

function isDigits(value: unknown): boolean {
  return typeof value === 'string' && DIGITS.test(value);
}

function isCurrency(value: unknown): boolean {
  return typeof value === 'string' && CURRENCY.test(value);
}

function isMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const entry of Object.values(value)) if (typeof entry !== 'string') return false;
  return true;
}

function isTimeout(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TIMEOUT_SECONDS;
}

/** The shape rules of the header comment; everything past them may trust the field types. */
function isWellFormed(raw: unknown): raw is CreateTransfer {
  if (typeof raw !== 'object' || raw === null) return false;
  const t = raw as Record<string, unknown>;
  if (
    !isUuid(t.id) ||
    !Number.isInteger(t.code) ||
    (t.code as number) < 1 ||
    (t.code as number) > 65535 ||
    typeof t.reference !== 'string' ||
    typeof t.description !== 'string' ||
    !isOptional(t.linked, (v) => typeof v === 'boolean') ||
    !isOptional(t.metadata, isMetadata) ||
    !isOptional(t.amount, isDigits) ||
    !isOptional(t.currency, isCurrency) ||
    !isOptional(t.debitAccountId, isUuid) ||
    !isOptional(t.creditAccountId, isUuid)
  ) {
    return false;
  }
  switch (t.kind) {
    case 'single':
      return (
        t.debitAccountId != null &&
        t.creditAccountId != null &&
        t.amount != null &&
        t.currency != null &&
        t.pendingId == null &&
        t.timeoutSeconds == null
      );
    case 'pending':
      return (
        t.debitAccountId != null &&
        t.creditAccountId != null &&
        t.amount != null &&
        t.currency != null &&
        t.pendingId == null &&
        isOptional(t.timeoutSeconds, isTimeout)
      );
    case 'post_pending':
    case 'void_pending':
      return isUuid(t.pendingId) && t.pendingId !== t.id && t.timeoutSeconds == null;
    default:
      return false;
  }
}
