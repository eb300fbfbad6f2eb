import {
  type CallerContext,
  identityRpc,
  type LoginResponse,
  type RegisterResponse,
  type TokenPair,
} from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Public } from '@kasho/observability';
import { Permission } from '@kasho/security';
import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { Caller, ClientContexts, RequirePermission } from '../auth';
import { type ClientRequest } from '../auth/request-context';
import { Idempotent } from '../idempotency';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validBody } from '../validation/zod-validation.pipe';
import {
  loginBody,
  loginResponse,
  mfaVerifyBody,
  refreshBody,
  registerBody,
  registerResponse,
  tokenPairResponse,
  verifyEmailBody,
} from './dto/auth.dto';

/** Sign-up, sign-in and the session's tokens: each route forwards to the auth service, which owns every rule. */
@ApiTags('identity')
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly clients: ClientContexts,
  ) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @Idempotent()
  @ApiOperation({
    summary: 'Create a user; a verification email is sent (login works before it is verified)',
  })
  @ApiJsonBody('RegisterRequest', registerBody)
  @ApiJsonResponse(201, 'The new user', 'RegisterResponse', registerResponse)
  @ApiProblems(429)
  register(
    @Body(validBody(registerBody)) body: z.output<typeof registerBody>,
    @Req() request: ClientRequest,
  ): Promise<RegisterResponse> {
    return this.rpc.call(identityRpc.register, { ...body, client: this.clients.of(request) });
  }

  @Public()
  @Post('verify-email')
  @HttpCode(204)
  @ApiOperation({ summary: 'Confirm an email address with the emailed one-time token' })
  @ApiJsonBody('VerifyEmailRequest', verifyEmailBody)
  @ApiNoContentResponse({ description: 'Verified' })
  @ApiProblems(422, 429)
  async verifyEmail(@Body(validBody(verifyEmailBody)) body: z.output<typeof verifyEmailBody>): Promise<void> {
    await this.rpc.call(identityRpc.verifyEmail, body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Sign in: tokens, or with MFA on an `mfaToken` for the second step',
    description:
      'A wrong password, an unknown email and a locked account all answer 401 `invalid_credentials` alike.',
  })
  @ApiJsonBody('LoginRequest', loginBody)
  @ApiJsonResponse(200, 'Tokens, or an MFA challenge', 'LoginResponse', loginResponse)
  @ApiProblems(401, 422, 429)
  login(
    @Body(validBody(loginBody)) body: z.output<typeof loginBody>,
    @Req() request: ClientRequest,
  ): Promise<LoginResponse> {
    return this.rpc.call(identityRpc.login, { ...body, client: this.clients.of(request) });
  }

  @Public()
  @Post('mfa/verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The second login step: a TOTP or recovery code for the `mfaToken` (401 `invalid_mfa_code`)',
  })
  @ApiJsonBody('MfaVerifyRequest', mfaVerifyBody)
  @ApiJsonResponse(200, 'Tokens', 'TokenPair', tokenPairResponse)
  @ApiProblems(401, 422, 429)
  mfaVerify(
    @Body(validBody(mfaVerifyBody)) body: z.output<typeof mfaVerifyBody>,
    @Req() request: ClientRequest,
  ): Promise<TokenPair> {
    return this.rpc.call(identityRpc.mfaVerify, { ...body, client: this.clients.of(request) });
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'A new token pair for a refresh token; the old one dies, and reusing a dead one revokes the session',
  })
  @ApiJsonBody('RefreshRequest', refreshBody)
  @ApiJsonResponse(200, 'A new token pair', 'TokenPair', tokenPairResponse)
  @ApiProblems(401, 422, 429)
  refresh(
    @Body(validBody(refreshBody)) body: z.output<typeof refreshBody>,
    @Req() request: ClientRequest,
  ): Promise<TokenPair> {
    return this.rpc.call(identityRpc.refresh, { ...body, client: this.clients.of(request) });
  }

  @Post('logout')
  @HttpCode(204)
  @RequirePermission(Permission.Self)
  @ApiOperation({ summary: 'Revoke the current session (its access tokens stop working at once)' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@Caller() caller: CallerContext): Promise<void> {
    await this.rpc.call(identityRpc.logout, caller);
  }
}
