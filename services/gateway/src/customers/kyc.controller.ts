import { accountRpc, type CallerContext, type KycSubmissionView, type KycView } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequirePermission } from '../auth';
import { Idempotent } from '../idempotency';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validBody } from '../validation/zod-validation.pipe';
import {
  kycResponse,
  kycSubmissionBody,
  type KycSubmissionBody,
  kycSubmissionResponse,
} from './dto/customers.dto';

/** The caller's KYC: submit identity data and document references, read the status and the limits it gives. */
@ApiTags('customers')
@Controller({ path: 'kyc', version: '1' })
@RequirePermission(Permission.Self)
export class KycController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('submissions')
  @HttpCode(201)
  @Idempotent()
  @ApiOperation({ summary: 'Submit identity data and document references for verification' })
  @ApiJsonBody('KycSubmission', kycSubmissionBody)
  @ApiJsonResponse(201, 'The submission, pending', 'KycSubmissionView', kycSubmissionResponse)
  @ApiProblems(409, 422)
  submit(
    @Caller() caller: CallerContext,
    @Body(validBody(kycSubmissionBody)) submission: KycSubmissionBody,
  ): Promise<KycSubmissionView> {
    return this.rpc.call(accountRpc.submitKyc, { ...caller, submission });
  }

  @Get()
  @ApiOperation({ summary: 'KYC status (`none → pending → verified | rejected`), tier and limits' })
  @ApiJsonResponse(200, 'The KYC status', 'Kyc', kycResponse)
  get(@Caller() caller: CallerContext): Promise<KycView> {
    return this.rpc.call(accountRpc.getKyc, caller);
  }
}
