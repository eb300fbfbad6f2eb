import { createHash } from 'node:crypto';
import { ledgerEvents, type TransferEventPayload } from '@kasho/contracts';
import { createEventEnvelope, type OutboxEvent } from '@kasho/messaging';
import { type BalanceChange, type StoredTransfer } from '../engine/engine.types';
import { transferOf } from '../ledger-mappers';

// A batch's events are not written as outbox rows: the batch's transfers and balance history already hold every
// field of them. The batch writes one reference row instead (ADR 0004), and these functions build the events, the
// same way, from the engine's outcome right after the commit and from the committed rows when the relay reads a
// reference back (LedgerEventExpander).

/** The kind of the ledger's outbox reference rows: one per batch, naming it through its first transfer. */
export const LEDGER_BATCH_EVENTS = 'transaction.ledger-batch';

/** What a batch's reference row holds: its first transfer, and each event's correlation id in batch order. */
export interface LedgerBatchReference {
  transfer: string;
  correlationIds: string[];
}

const EVENT_OF_KIND = {
  single: ledgerEvents.transferCreated,
  pending: ledgerEvents.transferCreated,
  post_pending: ledgerEvents.transferPosted,
  void_pending: ledgerEvents.transferVoided,
  expire_pending: ledgerEvents.transferExpired,
} as const;

export type AccountBalances = TransferEventPayload['debitAccount'];

/**
 * The id of a transfer's event, derived from the transfer id (UUID version 8, from SHA-256): published right
 * after the commit or read back by the relay, the event is the same message, so a consumer's inbox drops the
 * second delivery. Hashed rather than the transfer id itself, which a client chose and may use as an id elsewhere.
 */
export function ledgerEventId(transferId: string): string {
  const bytes = createHash('sha256').update(`kasho.ledger.event:${transferId.toLowerCase()}`).digest();
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A transfer's event: the transfer and both accounts' balances right after it. */
export function transferEvent(
  transfer: StoredTransfer,
  debitAccount: AccountBalances,
  creditAccount: AccountBalances,
  correlationId: string | undefined,
): OutboxEvent<TransferEventPayload> {
  const envelope = createEventEnvelope(
    'transaction',
    EVENT_OF_KIND[transfer.kind],
    { transfer: transferOf(transfer), debitAccount, creditAccount },
    { id: ledgerEventId(transfer.id), occurredAt: transfer.createdAt, correlationId },
  );
  // No trace context: a batch serves many requests (whichever scheduled it is no parent of the others), and the
  // relay's copy must be the same message. The correlation id travels in the envelope and its header.
  return { envelope, headers: {} };
}

function balancesOf(change: BalanceChange): AccountBalances {
  return {
    id: change.accountId,
    debitsPending: change.debitsPending.toString(),
    debitsPosted: change.debitsPosted.toString(),
    creditsPending: change.creditsPending.toString(),
    creditsPosted: change.creditsPosted.toString(),
  };
}

/**
 * One event per transfer a batch created, in batch order; `changes` are the batch's balance changes (each
 * transfer changes both its accounts, so each has its two), `correlations` each transfer's unit of work.
 */
export function batchEvents(
  created: readonly StoredTransfer[],
  changes: readonly BalanceChange[],
  correlations: ReadonlyMap<string, string>,
): Array<OutboxEvent<TransferEventPayload>> {
  const after = new Map<string, BalanceChange>();
  for (const change of changes) after.set(`${change.transferId}:${change.accountId}`, change);
  const balances = (transfer: StoredTransfer, accountId: string): AccountBalances => {
    const change = after.get(`${transfer.id}:${accountId}`);
    if (!change)
      throw new Error(`transfer ${transfer.id} changed account ${accountId} without a history row`);
    return balancesOf(change);
  };
  return created.map((transfer) =>
    transferEvent(
      transfer,
      balances(transfer, transfer.debitAccountId),
      balances(transfer, transfer.creditAccountId),
      correlations.get(transfer.id),
    ),
  );
}

/** The reference row's content for a batch's events (`events` in batch order, as `batchEvents` answers them). */
export function batchReference(
  created: readonly StoredTransfer[],
  events: readonly OutboxEvent[],
): LedgerBatchReference {
  return { transfer: created[0].id, correlationIds: events.map((event) => event.envelope.correlationId) };
}
