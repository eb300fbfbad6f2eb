import {
  accountRpc,
  type CallerContext,
  type KycDecisionRequest,
  type KycDecisionView,
  type KycSubmissionView,
  type KycView,
  type SubmitKycRequest,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { KycService } from './kyc.service';

/** RPC adapter: one line per method. */
@Injectable()
export class KycHandler {
  constructor(private readonly kyc: KycService) {}

  @RpcHandler(accountRpc.submitKyc)
  submit(request: SubmitKycRequest): Promise<KycSubmissionView> {
    return this.kyc.submit(request);
  }

  @RpcHandler(accountRpc.getKyc)
  get(caller: CallerContext): Promise<KycView> {
    return this.kyc.get(caller);
  }

  @RpcHandler(accountRpc.decideKyc)
  decide(request: KycDecisionRequest): Promise<KycDecisionView> {
    return this.kyc.decide(request);
  }
}
