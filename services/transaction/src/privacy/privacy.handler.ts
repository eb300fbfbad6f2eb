import { type PrivacyExportRequest, type PrivacyExportSection, privacyExportRpc } from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { PrivacyService } from './privacy.service';

/**
 * The privacy contract's adapter: one line per method. The ledger does not subscribe to the erasure event: it holds no
 * personal data (see PrivacyService), so it has nothing to erase and declares no queue for it.
 */
@Injectable()
export class PrivacyHandler {
  constructor(private readonly privacy: PrivacyService) {}

  @RpcHandler(privacyExportRpc('transaction'))
  export(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    return this.privacy.export(request);
  }
}
