import {
  type CallerContext,
  identityRpc,
  type MeView,
  type RegisterRequest,
  type RegisterResponse,
  type VerifyEmailRequest,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { UsersService } from './users.service';

type Empty = Record<string, never>;

/** RPC adapter: one line per method. */
@Injectable()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @RpcHandler(identityRpc.register)
  register(request: RegisterRequest): Promise<RegisterResponse> {
    return this.users.register(request);
  }

  @RpcHandler(identityRpc.verifyEmail)
  async verifyEmail(request: VerifyEmailRequest): Promise<Empty> {
    await this.users.verifyEmail(request);
    return {};
  }

  @RpcHandler(identityRpc.me)
  me(caller: CallerContext): Promise<MeView> {
    return this.users.me(caller);
  }
}
