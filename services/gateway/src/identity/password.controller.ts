import { type CallerContext, identityRpc } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Public } from '@kasho/observability';
import { Permission } from '@kasho/security';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { Caller, ClientContexts, RequirePermission } from '../auth';
import { type ClientRequest } from '../auth/request-context';
import { ApiJsonBody, ApiProblems } from '../openapi/zod-schemas';
import { validBody } from '../validation/zod-validation.pipe';
import { passwordChangeBody, passwordForgotBody, passwordResetBody } from './dto/password.dto';

/** Password reset by an emailed one-time token, and change by the signed-in user. */
@ApiTags('identity')
@Controller({ path: 'auth/password', version: '1' })
export class PasswordController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly clients: ClientContexts,
  ) {}

  @Public()
  @Post('forgot')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a password reset email',
    description: '202 whether or not the email belongs to an account: the answer reveals nothing.',
  })
  @ApiJsonBody('PasswordForgotRequest', passwordForgotBody)
  @ApiAcceptedResponse({ description: 'If the email belongs to an account, a reset link is on its way' })
  @ApiProblems(422, 429)
  async forgot(
    @Body(validBody(passwordForgotBody)) body: z.output<typeof passwordForgotBody>,
    @Req() request: ClientRequest,
  ): Promise<void> {
    await this.rpc.call(identityRpc.passwordForgot, { ...body, client: this.clients.of(request) });
  }

  @Public()
  @Post('reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the emailed one-time token (422 `invalid_token`)' })
  @ApiJsonBody('PasswordResetRequest', passwordResetBody)
  @ApiNoContentResponse({ description: 'Password set; every session is revoked' })
  @ApiProblems(422, 429)
  async reset(@Body(validBody(passwordResetBody)) body: z.output<typeof passwordResetBody>): Promise<void> {
    await this.rpc.call(identityRpc.passwordReset, body);
  }

  @Post('change')
  @HttpCode(204)
  @RequirePermission(Permission.Self)
  @ApiOperation({
    summary: 'Change the password; the current session stays, every other is revoked',
    description: 'A wrong current password answers 422 `invalid_credentials`.',
  })
  @ApiJsonBody('PasswordChangeRequest', passwordChangeBody)
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiProblems(422)
  async change(
    @Caller() caller: CallerContext,
    @Body(validBody(passwordChangeBody)) body: z.output<typeof passwordChangeBody>,
  ): Promise<void> {
    await this.rpc.call(identityRpc.passwordChange, { ...caller, ...body });
  }
}
