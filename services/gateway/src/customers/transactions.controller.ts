import { accountRpc, type CallerContext, type TransactionView } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, RequirePermission } from '../auth';
import { ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validParam } from '../validation/zod-validation.pipe';
import { transactionIdParam, transactionResponse } from './dto/customers.dto';

/** One ledger transfer, shown only to a customer whose wallet it touches (the account service checks). */
@ApiTags('accounts')
@Controller({ path: 'transactions', version: '1' })
export class TransactionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @RequirePermission(Permission.WalletsRead)
  @ApiOperation({ summary: 'One transfer that touches one of the caller’s accounts' })
  @ApiParam({ name: 'id', description: 'Transfer id' })
  @ApiJsonResponse(200, 'The transfer', 'Transaction', transactionResponse)
  @ApiProblems(404)
  get(
    @Caller() caller: CallerContext,
    @Param('id', validParam(transactionIdParam, 'No such transaction.')) transferId: string,
  ): Promise<TransactionView> {
    return this.rpc.call(accountRpc.getTransaction, { ...caller, transferId });
  }
}
