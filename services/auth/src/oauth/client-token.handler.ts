import { type ClientTokenRequest, type ClientTokenResponse, identityRpc } from '@kasho/contracts';
import { RpcHandler, type RpcHandlerContext } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { ClientTokenService } from './client-token.service';

/** `oauth.token`: the gateway's `POST /v1/oauth/token`, after it parsed the form and the Basic header. */
@Injectable()
export class ClientTokenHandler {
  constructor(private readonly service: ClientTokenService) {}

  @RpcHandler(identityRpc.clientToken)
  token(request: ClientTokenRequest, context: RpcHandlerContext): Promise<ClientTokenResponse> {
    return this.service.issue(request, context.correlationId);
  }
}
