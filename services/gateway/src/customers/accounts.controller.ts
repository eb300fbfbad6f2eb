import {
  accountRpc,
  type CallerContext,
  type WalletBalanceAt,
  type WalletList,
  type WalletStatement,
  type WalletWithBalance,
} from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { Caller, RequirePermission } from '../auth';
import { Idempotent, IdempotencyKey } from '../idempotency';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validParam, validQuery } from '../validation/zod-validation.pipe';
import {
  accountIdParam,
  accountListResponse,
  accountResponse,
  balanceQuery,
  balanceResponse,
  openAccountBody,
  type OpenAccountBody,
  statementQuery,
  statementResponse,
} from './dto/customers.dto';
import { OpenAccountBodyPipe } from './open-account-body.pipe';

const NO_SUCH_ACCOUNT = 'No such account.';

/**
 * The caller's wallets. Ownership is the account service's: another customer's account id answers 404 exactly
 * like an unknown one (and so does a malformed id, here).
 */
@ApiTags('accounts')
@Controller({ path: 'accounts', version: '1' })
export class AccountsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RequirePermission(Permission.WalletsWrite)
  @Idempotent()
  @ApiOperation({
    summary: 'Open a wallet in a currency (a customer may hold several in one currency)',
    description: 'With an Idempotency-Key, a retry (even after a 503/504) opens no second wallet.',
  })
  @ApiJsonBody('OpenAccount', openAccountBody)
  @ApiJsonResponse(201, 'The account', 'Account', accountResponse)
  @ApiProblems(422)
  open(
    @Caller() caller: CallerContext,
    @Body(OpenAccountBodyPipe) body: OpenAccountBody,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<WalletWithBalance> {
    return this.rpc.call(accountRpc.openWallet, {
      ...caller,
      currency: body.currency,
      ...(body.nickname === undefined ? {} : { nickname: body.nickname }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
  }

  @Get()
  @RequirePermission(Permission.WalletsRead)
  @ApiOperation({ summary: 'The caller’s accounts with their balances' })
  @ApiJsonResponse(200, 'Accounts', 'AccountList', accountListResponse)
  list(@Caller() caller: CallerContext): Promise<WalletList> {
    return this.rpc.call(accountRpc.listWallets, caller);
  }

  @Get(':id')
  @RequirePermission(Permission.WalletsRead)
  @ApiOperation({ summary: 'One of the caller’s accounts, with its balance' })
  @ApiParam({ name: 'id', description: 'Account id' })
  @ApiJsonResponse(200, 'The account', 'Account', accountResponse)
  @ApiProblems(404)
  get(
    @Caller() caller: CallerContext,
    @Param('id', validParam(accountIdParam, NO_SUCH_ACCOUNT)) accountId: string,
  ): Promise<WalletWithBalance> {
    return this.rpc.call(accountRpc.getWallet, { ...caller, accountId });
  }

  @Get(':id/transactions')
  @RequirePermission(Permission.WalletsRead)
  @ApiOperation({ summary: 'Posted statement lines, newest first, cursor paged' })
  @ApiParam({ name: 'id', description: 'Account id' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', maxLength: 512 } })
  @ApiJsonResponse(200, 'A page of statement lines', 'AccountStatement', statementResponse)
  @ApiProblems(404, 422)
  statement(
    @Caller() caller: CallerContext,
    @Param('id', validParam(accountIdParam, NO_SUCH_ACCOUNT)) accountId: string,
    @Query(validQuery(statementQuery)) query: z.output<typeof statementQuery>,
  ): Promise<WalletStatement> {
    return this.rpc.call(accountRpc.statement, {
      ...caller,
      accountId,
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  }

  @Get(':id/balance')
  @RequirePermission(Permission.WalletsRead)
  @ApiOperation({ summary: 'The posted balance now, or at a past time (every line with occurredAt <= at)' })
  @ApiParam({ name: 'id', description: 'Account id' })
  @ApiQuery({ name: 'at', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiJsonResponse(200, 'The balance', 'AccountBalanceAt', balanceResponse)
  @ApiProblems(404, 422)
  balance(
    @Caller() caller: CallerContext,
    @Param('id', validParam(accountIdParam, NO_SUCH_ACCOUNT)) accountId: string,
    @Query(validQuery(balanceQuery)) query: z.output<typeof balanceQuery>,
  ): Promise<WalletBalanceAt> {
    return this.rpc.call(accountRpc.balanceAt, {
      ...caller,
      accountId,
      ...(query.at === undefined ? {} : { at: query.at }),
    });
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission(Permission.WalletsWrite)
  @ApiOperation({ summary: 'Close an account at zero balance (else 422 `account_not_empty`)' })
  @ApiParam({ name: 'id', description: 'Account id' })
  @ApiJsonResponse(200, 'The closed account', 'Account', accountResponse)
  @ApiProblems(404, 422)
  close(
    @Caller() caller: CallerContext,
    @Param('id', validParam(accountIdParam, NO_SUCH_ACCOUNT)) accountId: string,
  ): Promise<WalletWithBalance> {
    return this.rpc.call(accountRpc.closeWallet, { ...caller, accountId });
  }
}
