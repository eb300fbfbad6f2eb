import {
  type CloseAccountRequest,
  type CloseAccountResponse,
  type CreateAccountsRequest,
  type CreateAccountsResponse,
  ledgerRpc,
  type LookupAccountsRequest,
  type LookupAccountsResponse,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { AccountsService } from './accounts.service';

/** RPC adapter: one line per method. accounts.list lives with the reads. */
@Injectable()
export class AccountsHandler {
  constructor(private readonly accounts: AccountsService) {}

  @RpcHandler(ledgerRpc.createAccounts)
  create(request: CreateAccountsRequest): Promise<CreateAccountsResponse> {
    return this.accounts.create(request);
  }

  @RpcHandler(ledgerRpc.closeAccount)
  close(request: CloseAccountRequest): Promise<CloseAccountResponse> {
    return this.accounts.close(request);
  }

  @RpcHandler(ledgerRpc.lookupAccounts)
  lookup(request: LookupAccountsRequest): Promise<LookupAccountsResponse> {
    return this.accounts.lookup(request);
  }
}
