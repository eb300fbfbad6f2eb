import {
  accountRpc,
  type CallerContext,
  type DataExport,
  type ErasureReceipt,
  type PrivacyExportRequest,
  type PrivacyExportSection,
  privacyExportRpc,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { PrivacyService } from './privacy.service';

/** RPC adapter: one line per method. */
@Injectable()
export class PrivacyHandler {
  constructor(private readonly privacy: PrivacyService) {}

  @RpcHandler(privacyExportRpc('account'))
  exportSection(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    return this.privacy.exportSection(request);
  }

  @RpcHandler(accountRpc.exportMyData)
  exportAll(caller: CallerContext): Promise<DataExport> {
    return this.privacy.exportAll(caller);
  }

  @RpcHandler(accountRpc.eraseMe)
  eraseMe(caller: CallerContext): Promise<ErasureReceipt> {
    return this.privacy.eraseMe(caller);
  }
}
