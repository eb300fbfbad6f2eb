import {
  type CallerContext,
  identityRpc,
  type TotpActivateResponse,
  type TotpSetupResponse,
} from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { Caller, RequirePermission } from '../auth';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validBody } from '../validation/zod-validation.pipe';
import { mfaCodeBody, totpActivateResponse, totpSetupResponse } from './dto/mfa.dto';

/** TOTP multi-factor authentication of the caller's own account. */
@ApiTags('identity')
@Controller({ path: 'auth/mfa', version: '1' })
@RequirePermission(Permission.Self)
export class MfaController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('totp/setup')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A new TOTP secret to scan (not active until a code activates it)' })
  @ApiJsonResponse(200, 'The secret, shown once', 'TotpSetupResponse', totpSetupResponse)
  totpSetup(@Caller() caller: CallerContext): Promise<TotpSetupResponse> {
    return this.rpc.call(identityRpc.totpSetup, caller);
  }

  @Post('totp/activate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Turn MFA on with a current code (422 `invalid_code`); answers the recovery codes once',
  })
  @ApiJsonBody('MfaCodeRequest', mfaCodeBody)
  @ApiJsonResponse(200, 'Recovery codes, shown once', 'TotpActivateResponse', totpActivateResponse)
  @ApiProblems(422)
  totpActivate(
    @Caller() caller: CallerContext,
    @Body(validBody(mfaCodeBody)) body: z.output<typeof mfaCodeBody>,
  ): Promise<TotpActivateResponse> {
    return this.rpc.call(identityRpc.totpActivate, { ...caller, code: body.code });
  }

  @Post('disable')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn MFA off with a current code (422 `invalid_code`)' })
  @ApiJsonBody('MfaCodeRequest', mfaCodeBody)
  @ApiNoContentResponse({ description: 'MFA is off' })
  @ApiProblems(422)
  async disable(
    @Caller() caller: CallerContext,
    @Body(validBody(mfaCodeBody)) body: z.output<typeof mfaCodeBody>,
  ): Promise<void> {
    await this.rpc.call(identityRpc.mfaDisable, { ...caller, code: body.code });
  }
}
