import { ledgerRpc, type Reconciliation, type Transfer } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { currentContext } from '@kasho/logging';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { type AuthenticatedRequest, ClientContexts, RequirePermission } from '../../auth';
import { type ClientRequest } from '../../auth/request-context';
import { Idempotent, IdempotencyKey } from '../../idempotency';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../../openapi/zod-schemas';
import { validQuery } from '../../validation/zod-validation.pipe';
import { AdminTransferBodyPipe } from './admin-transfer-body.pipe';
import {
  type AdminAccountsPage,
  adminAccountsPage,
  adminAccountsQuery,
  adminTransferBody,
  type AdminTransferBody,
  reconciliationQuery,
  reconciliationResponse,
  toAdminAccountsPage,
  transferResponse,
} from './dto/admin-ledger.dto';

/**
 * Back office: the ledger (admin with MFA for adjustments; a ledger-read permission for the lists). Each route
 * forwards to the transaction service, which owns every rule and audits each adjustment with the transfer.
 */
@ApiTags('back office')
@Controller({ path: 'admin/ledger', version: '1' })
export class AdminLedgerController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly clients: ClientContexts,
  ) {}

  @Post('transfers')
  @HttpCode(201)
  @RequirePermission(Permission.LedgerWrite)
  @Idempotent({ required: true })
  @ApiOperation({
    summary: 'A manual adjustment between two ledger accounts, with a mandatory reason (audited)',
    description:
      'One `single` transfer. The Idempotency-Key is required: a retry with the same key answers the same transfer.',
  })
  @ApiJsonBody('AdminLedgerTransferRequest', adminTransferBody)
  @ApiJsonResponse(201, 'The transfer', 'LedgerTransfer', transferResponse)
  @ApiProblems(401, 403, 404, 422)
  createTransfer(
    @Body(AdminTransferBodyPipe) body: AdminTransferBody,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Req() request: ClientRequest & AuthenticatedRequest,
  ): Promise<Transfer> {
    const actorId = request.accessToken?.sub;
    // The guard and the interceptor guarantee both; a route wired wrongly must fail closed.
    if (actorId === undefined || idempotencyKey === undefined)
      throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
    const requestId = currentContext()?.requestId;
    return this.rpc.call(ledgerRpc.adminTransfer, {
      actorId,
      idempotencyKey,
      ...body,
      ip: this.clients.of(request).ip,
      ...(requestId === undefined ? {} : { requestId }),
    });
  }

  @Get('accounts')
  @RequirePermission(Permission.LedgerRead)
  @ApiOperation({ summary: 'Ledger accounts with their totals, by type and currency, cursor paged' })
  @ApiQuery({
    name: 'type',
    required: false,
    schema: { type: 'string', enum: [...adminAccountsQuery.shape.type.unwrap().options] },
  })
  @ApiQuery({ name: 'currency', required: false, schema: { type: 'string', pattern: '^[A-Z]{3}$' } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', maxLength: 512 } })
  @ApiJsonResponse(200, 'A page of ledger accounts', 'AdminLedgerAccountsPage', adminAccountsPage)
  @ApiProblems(401, 403, 422)
  async listAccounts(
    @Query(validQuery(adminAccountsQuery)) query: z.output<typeof adminAccountsQuery>,
  ): Promise<AdminAccountsPage> {
    return toAdminAccountsPage(await this.rpc.call(ledgerRpc.listAccounts, query));
  }

  @Get('reconciliation')
  @RequirePermission(Permission.LedgerRead)
  @ApiOperation({
    summary: 'Trial balance: per currency, total debits equal total credits, posted and pending',
  })
  @ApiQuery({ name: 'at', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiJsonResponse(200, 'The trial balance', 'LedgerReconciliation', reconciliationResponse)
  @ApiProblems(401, 403, 422)
  reconciliation(
    @Query(validQuery(reconciliationQuery)) query: z.output<typeof reconciliationQuery>,
  ): Promise<Reconciliation> {
    return this.rpc.call(ledgerRpc.reconciliation, query);
  }
}
