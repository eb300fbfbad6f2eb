import {
  accountRpc,
  type CustomerDetail,
  type CustomerSearchResult,
  type KycDecisionView,
  type WalletWithBalance,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { currentContext } from '@kasho/logging';
import { RpcClient } from '@kasho/messaging';
import { Permission, permissionsOf } from '@kasho/security';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { type AuthenticatedRequest, ClientContexts, RequirePermission } from '../../auth';
import { type ClientRequest } from '../../auth/request-context';
import {
  accountIdParam,
  accountResponse,
  customerDetailResponse,
  customerIdParam,
  customerSearchQuery,
  customerSearchResponse,
  kycDecisionBody,
  kycDecisionResponse,
  staffReasonBody,
} from '../../customers/dto/customers.dto';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../../openapi/zod-schemas';
import { validBody, validParam, validQuery } from '../../validation/zod-validation.pipe';

type StaffRequest = ClientRequest & AuthenticatedRequest;

/**
 * Back office for customers: search and view (support; personal data masked unless the caller holds
 * `backoffice:customers:read-pii`, i.e. compliance), KYC decisions and freezes (compliance). The account service
 * audits every read and decision with the actor, address and request id passed here.
 */
@ApiTags('back office')
@Controller({ path: 'admin', version: '1' })
export class AdminCustomersController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly clients: ClientContexts,
  ) {}

  @Get('customers')
  @RequirePermission(Permission.CustomersRead)
  @ApiOperation({
    summary: 'Find customers by email or phone (exact), id, or name words; results are masked',
  })
  @ApiQuery({ name: 'q', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiJsonResponse(200, 'Matching customers', 'CustomerSearchResult', customerSearchResponse)
  @ApiProblems(401, 403, 422)
  search(
    @Query(validQuery(customerSearchQuery)) query: z.output<typeof customerSearchQuery>,
    @Req() request: StaffRequest,
  ): Promise<CustomerSearchResult> {
    return this.rpc.call(accountRpc.searchCustomers, {
      ...staffActor(request, this.clients),
      q: query.q,
      limit: query.limit,
    });
  }

  @Get('customers/:id')
  @RequirePermission(Permission.CustomersRead)
  @ApiOperation({ summary: 'One customer: masked for support, in full for compliance (audited either way)' })
  @ApiParam({ name: 'id', description: 'Customer id (the user id)' })
  @ApiJsonResponse(200, 'The customer', 'CustomerDetail', customerDetailResponse)
  @ApiProblems(401, 403, 404)
  customer(
    @Param('id', validParam(customerIdParam, 'No such customer.')) customerId: string,
    @Req() request: StaffRequest,
  ): Promise<CustomerDetail> {
    const roles = request.accessToken?.roles ?? [];
    const view = permissionsOf(roles).has(Permission.CustomersReadPii) ? 'full' : 'masked';
    return this.rpc.call(accountRpc.getCustomer, { ...staffActor(request, this.clients), customerId, view });
  }

  @Post('kyc/:submissionId/decision')
  @HttpCode(200)
  @RequirePermission(Permission.KycDecide)
  @ApiOperation({ summary: 'Approve or reject a KYC submission, with a reason (audited)' })
  @ApiParam({ name: 'submissionId', description: 'KYC submission id' })
  @ApiJsonBody('KycDecision', kycDecisionBody)
  @ApiJsonResponse(200, 'The decision', 'KycDecisionView', kycDecisionResponse)
  @ApiProblems(401, 403, 404, 409, 422)
  decide(
    @Param('submissionId', validParam(customerIdParam, 'No such KYC submission.')) submissionId: string,
    @Body(validBody(kycDecisionBody)) body: z.output<typeof kycDecisionBody>,
    @Req() request: StaffRequest,
  ): Promise<KycDecisionView> {
    return this.rpc.call(accountRpc.decideKyc, {
      ...staffActor(request, this.clients),
      submissionId,
      ...body,
    });
  }

  @Post('accounts/:id/freeze')
  @HttpCode(200)
  @RequirePermission(Permission.AccountsFreeze)
  @ApiOperation({ summary: 'Freeze an account: it still receives, it no longer sends (audited)' })
  @ApiParam({ name: 'id', description: 'Account id' })
  @ApiJsonBody('StaffReason', staffReasonBody)
  @ApiJsonResponse(200, 'The account', 'Account', accountResponse)
  @ApiProblems(401, 403, 404, 409, 422)
  freeze(
    @Param('id', validParam(accountIdParam, 'No such account.')) accountId: string,
    @Body(validBody(staffReasonBody)) body: z.output<typeof staffReasonBody>,
    @Req() request: StaffRequest,
  ): Promise<WalletWithBalance> {
    return this.rpc.call(accountRpc.freezeWallet, {
      ...staffActor(request, this.clients),
      accountId,
      reason: body.reason,
    });
  }

  @Post('accounts/:id/unfreeze')
  @HttpCode(200)
  @RequirePermission(Permission.AccountsFreeze)
  @ApiOperation({ summary: 'Unfreeze an account (back to active; audited)' })
  @ApiParam({ name: 'id', description: 'Account id' })
  @ApiJsonBody('StaffReason', staffReasonBody)
  @ApiJsonResponse(200, 'The account', 'Account', accountResponse)
  @ApiProblems(401, 403, 404, 409, 422)
  unfreeze(
    @Param('id', validParam(accountIdParam, 'No such account.')) accountId: string,
    @Body(validBody(staffReasonBody)) body: z.output<typeof staffReasonBody>,
    @Req() request: StaffRequest,
  ): Promise<WalletWithBalance> {
    return this.rpc.call(accountRpc.unfreezeWallet, {
      ...staffActor(request, this.clients),
      accountId,
      reason: body.reason,
    });
  }
}

/** The staff member behind the request, for the account service's audit trail. */
function staffActor(
  request: StaffRequest,
  clients: ClientContexts,
): { actorId: string; ip: string; requestId?: string } {
  const actorId = request.accessToken?.sub;
  // The guard guarantees it; a route wired wrongly must fail closed.
  if (actorId === undefined || request.accessToken?.clientId !== undefined)
    throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
  const requestId = currentContext()?.requestId;
  return { actorId, ip: clients.of(request).ip, ...(requestId === undefined ? {} : { requestId }) };
}
