import {
  type CallerContext,
  identityRpc,
  type MfaCodeRequest,
  type TotpActivateResponse,
  type TotpSetupResponse,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { TwoFactorService } from './two-factor.service';

type Empty = Record<string, never>;

/** RPC adapter: one line per method. */
@Injectable()
export class TwoFactorHandler {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @RpcHandler(identityRpc.totpSetup)
  setup(caller: CallerContext): Promise<TotpSetupResponse> {
    return this.twoFactor.setup(caller);
  }

  @RpcHandler(identityRpc.totpActivate)
  activate(request: MfaCodeRequest): Promise<TotpActivateResponse> {
    return this.twoFactor.activate(request);
  }

  @RpcHandler(identityRpc.mfaDisable)
  async disable(request: MfaCodeRequest): Promise<Empty> {
    await this.twoFactor.disable(request);
    return {};
  }
}
