import {
  type CallerContext,
  identityRpc,
  type RefreshRequest,
  type RevokeSessionRequest,
  type SessionList,
  type TokenPair,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { SessionsService } from './sessions.service';

type Empty = Record<string, never>;

/** RPC adapter: one line per method. */
@Injectable()
export class SessionsHandler {
  constructor(private readonly sessions: SessionsService) {}

  @RpcHandler(identityRpc.refresh)
  refresh(request: RefreshRequest): Promise<TokenPair> {
    return this.sessions.refresh(request);
  }

  @RpcHandler(identityRpc.logout)
  async logout(caller: CallerContext): Promise<Empty> {
    await this.sessions.logout(caller);
    return {};
  }

  @RpcHandler(identityRpc.listSessions)
  list(caller: CallerContext): Promise<SessionList> {
    return this.sessions.list(caller);
  }

  @RpcHandler(identityRpc.revokeSession)
  async revoke(request: RevokeSessionRequest): Promise<Empty> {
    await this.sessions.revokeOne(request);
    return {};
  }
}
