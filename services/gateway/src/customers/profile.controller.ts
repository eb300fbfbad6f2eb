import { accountRpc, type CallerContext, type DataExport, type ProfileView } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Body, Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequirePermission } from '../auth';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validBody } from '../validation/zod-validation.pipe';
import {
  dataExportResponse,
  profilePatchBody,
  type ProfilePatchBody,
  profileResponse,
} from './dto/customers.dto';

/** The caller's own profile and their GDPR rights (export, erasure); the account service owns every rule. */
@ApiTags('customers')
@Controller({ path: 'me', version: '1' })
@RequirePermission(Permission.Self)
export class ProfileController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('profile')
  @ApiOperation({ summary: 'The caller’s profile (name, phone, address, date of birth; encrypted at rest)' })
  @ApiJsonResponse(200, 'The profile', 'Profile', profileResponse)
  profile(@Caller() caller: CallerContext): Promise<ProfileView> {
    return this.rpc.call(accountRpc.getProfile, caller);
  }

  @Patch('profile')
  @ApiOperation({ summary: 'Change the profile: an absent field stays, null clears it' })
  @ApiJsonBody('ProfilePatch', profilePatchBody)
  @ApiJsonResponse(200, 'The updated profile', 'Profile', profileResponse)
  @ApiProblems(422)
  update(
    @Caller() caller: CallerContext,
    @Body(validBody(profilePatchBody)) changes: ProfilePatchBody,
  ): Promise<ProfileView> {
    return this.rpc.call(accountRpc.updateProfile, { ...caller, changes });
  }

  @Get('data-export')
  @ApiOperation({
    summary:
      'GDPR export: everything Kasho holds about the caller, gathered from every service, as one document',
  })
  @ApiJsonResponse(200, 'The export', 'DataExport', dataExportResponse)
  dataExport(@Caller() caller: CallerContext): Promise<DataExport> {
    return this.rpc.call(accountRpc.exportMyData, caller, { timeoutMs: 30_000 });
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'GDPR erasure: personal data crypto-shredded, sessions revoked, ledger history kept pseudonymised. Refused ' +
      'with 422 `balance_not_zero` while an account holds money',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblems(422)
  async erase(@Caller() caller: CallerContext): Promise<void> {
    await this.rpc.call(accountRpc.eraseMe, caller);
  }
}
