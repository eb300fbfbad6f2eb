import { type EventEnvelope, ledgerEvents, type TransferEventPayload } from '@kasho/contracts';
import { EventHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { BalanceCache } from './balance-cache';

/**
 * The ledger's transfer events, through the inbox (consumer `ledger-balances`): each one invalidates the cached
 * balances of both accounts it names, whoever owns them (deleting a key nobody cached costs nothing). The Redis work
 * happens before the inbox row commits; a failure retries the event, and a redelivery after commit is skipped by the
 * inbox (and would be harmless anyway).
 */
@Injectable()
export class LedgerEventsHandler {
  constructor(private readonly cache: BalanceCache) {}

  @EventHandler(ledgerEvents.transferCreated, { consumer: 'ledger-balances' })
  created(envelope: EventEnvelope<TransferEventPayload>): Promise<void> {
    return this.invalidate(envelope.payload);
  }

  @EventHandler(ledgerEvents.transferPosted, { consumer: 'ledger-balances' })
  posted(envelope: EventEnvelope<TransferEventPayload>): Promise<void> {
    return this.invalidate(envelope.payload);
  }

  @EventHandler(ledgerEvents.transferVoided, { consumer: 'ledger-balances' })
  voided(envelope: EventEnvelope<TransferEventPayload>): Promise<void> {
    return this.invalidate(envelope.payload);
  }

  @EventHandler(ledgerEvents.transferExpired, { consumer: 'ledger-balances' })
  expired(envelope: EventEnvelope<TransferEventPayload>): Promise<void> {
    return this.invalidate(envelope.payload);
  }

  private invalidate(payload: TransferEventPayload): Promise<void> {
    return this.cache.invalidate([payload.debitAccount.id, payload.creditAccount.id]);
  }
}
