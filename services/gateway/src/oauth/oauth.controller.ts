import { type ClientTokenResponse, identityRpc } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Public } from '@kasho/observability';
import { Body, Controller, Header, Headers, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ClientContexts } from '../auth';
import { type ClientRequest } from '../auth/request-context';
import { ApiFormBody, ApiJsonResponse, schemaRef } from '../openapi/zod-schemas';
import { oauthErrorResponse, tokenRequestForm, tokenResponse } from './dto/token-request.dto';
import { OAuthErrorFilter } from './oauth-error.filter';
import { parseTokenRequest } from './token-request';

/** OAuth 2.0 client credentials for partner and service clients; the auth service checks the client and scopes. */
@ApiTags('identity')
@Controller({ path: 'oauth', version: '1' })
@UseFilters(OAuthErrorFilter)
export class OAuthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly clients: ClientContexts,
  ) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'An access token for a client (RFC 6749 section 4.4: client credentials)',
    description:
      'Authenticate with HTTP Basic (`client_secret_basic`, id and secret form-urlencoded first) or with ' +
      '`client_id` and `client_secret` in the form (`client_secret_post`), never both. Errors follow RFC 6749 ' +
      'section 5.2 (`{error, error_description}`), not problem+json; `invalid_client` is 401 with ' +
      '`WWW-Authenticate: Basic realm="kasho"`.',
  })
  @ApiFormBody('ClientTokenRequest', tokenRequestForm)
  @ApiJsonResponse(200, 'An access token', 'ClientTokenResponse', tokenResponse)
  @ApiResponse({
    status: 400,
    description: 'invalid_request, invalid_scope, unsupported_grant_type or unauthorized_client',
    content: { 'application/json': { schema: schemaRef('OAuthError', oauthErrorResponse, 'output') } },
  })
  @ApiResponse({
    status: 401,
    description: 'invalid_client',
    content: { 'application/json': { schema: schemaRef('OAuthError', oauthErrorResponse, 'output') } },
  })
  token(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: ClientRequest,
  ): Promise<ClientTokenResponse> {
    const tokenRequest = parseTokenRequest(contentType, authorization, body);
    return this.rpc.call(identityRpc.clientToken, { ...tokenRequest, client: this.clients.of(request) });
  }
}
