import {
  accountEvents,
  type CustomerErasedPayload,
  type EventEnvelope,
  type PrivacyExportRequest,
  type PrivacyExportSection,
  privacyExportRpc,
} from '@kasho/contracts';
import { EventHandler, RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { PrivacyService } from './privacy.service';

/** The privacy contract's adapter: one line per method. */
@Injectable()
export class PrivacyHandler {
  constructor(private readonly privacy: PrivacyService) {}

  @RpcHandler(privacyExportRpc('transaction'))
  export(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    return this.privacy.export(request);
  }

  @EventHandler(accountEvents.customerErased, { consumer: 'privacy' })
  erased(envelope: EventEnvelope<CustomerErasedPayload>): Promise<void> {
    return this.privacy.onCustomerErased(envelope);
  }
}
