import {
  identityRpc,
  type LoginRequest,
  type LoginResponse,
  type MfaVerifyRequest,
  type TokenPair,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { LoginService } from './login.service';

/** RPC adapter: one line per method. */
@Injectable()
export class LoginHandler {
  constructor(private readonly login: LoginService) {}

  @RpcHandler(identityRpc.login)
  signIn(request: LoginRequest): Promise<LoginResponse> {
    return this.login.login(request);
  }

  @RpcHandler(identityRpc.mfaVerify)
  mfaVerify(request: MfaVerifyRequest): Promise<TokenPair> {
    return this.login.mfaVerify(request);
  }
}
