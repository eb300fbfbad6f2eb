import {
  type Balance,
  type BalanceRequest,
  ledgerRpc,
  type ListAccountsRequest,
  type ListAccountsResponse,
  type Reconciliation,
  type ReconciliationRequest,
  type Statement,
  type StatementRequest,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { LedgerReadsService } from './ledger-reads.service';

/**
 * The ledger's read RPCs. Who may see what is decided by the caller (the account service checks ownership, the
 * gateway checks back-office permissions); these handlers only serve.
 */
@Injectable()
export class LedgerReadsHandler {
  constructor(private readonly reads: LedgerReadsService) {}

  @RpcHandler(ledgerRpc.balance)
  balance(request: BalanceRequest): Promise<Balance> {
    return this.reads.balance(request);
  }

  @RpcHandler(ledgerRpc.statement)
  statement(request: StatementRequest): Promise<Statement> {
    return this.reads.statement(request);
  }

  @RpcHandler(ledgerRpc.listAccounts)
  listAccounts(request: ListAccountsRequest): Promise<ListAccountsResponse> {
    return this.reads.listAccounts(request);
  }

  @RpcHandler(ledgerRpc.reconciliation)
  reconciliation(request: ReconciliationRequest): Promise<Reconciliation> {
    return this.reads.reconciliation(request);
  }
}
