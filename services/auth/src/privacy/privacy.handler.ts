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
import { type EntityManager } from 'typeorm';
import { PrivacyService } from './privacy.service';

/** The privacy contract's adapter: one line per method. */
@Injectable()
export class PrivacyHandler {
  constructor(private readonly privacy: PrivacyService) {}

  @RpcHandler(privacyExportRpc('auth'))
  export(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    return this.privacy.export(request);
  }

  @EventHandler(accountEvents.customerErased, { consumer: 'privacy' })
  erase(envelope: EventEnvelope<CustomerErasedPayload>, manager: EntityManager): Promise<void> {
    return this.privacy.erase(envelope, manager);
  }
}
