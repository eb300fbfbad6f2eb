import {
  identityRpc,
  type PasswordChangeRequest,
  type PasswordForgotRequest,
  type PasswordResetRequest,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { CredentialsService } from './credentials.service';

type Empty = Record<string, never>;

/** RPC adapter: one line per method. */
@Injectable()
export class CredentialsHandler {
  constructor(private readonly credentials: CredentialsService) {}

  @RpcHandler(identityRpc.passwordForgot)
  async forgot(request: PasswordForgotRequest): Promise<Empty> {
    await this.credentials.forgot(request);
    return {};
  }

  @RpcHandler(identityRpc.passwordReset)
  async reset(request: PasswordResetRequest): Promise<Empty> {
    await this.credentials.reset(request);
    return {};
  }

  @RpcHandler(identityRpc.passwordChange)
  async change(request: PasswordChangeRequest): Promise<Empty> {
    await this.credentials.change(request);
    return {};
  }
}
