import {
  accountRpc,
  type CallerContext,
  type OpenWalletRequest,
  type StaffWalletAction,
  type TransactionRequest,
  type TransactionView,
  type WalletBalanceAt,
  type WalletBalanceAtRequest,
  type WalletList,
  type WalletRequest,
  type WalletStatement,
  type WalletStatementRequest,
  type WalletWithBalance,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { WalletsService } from './wallets.service';

/** RPC adapter: one line per method. */
@Injectable()
export class WalletsHandler {
  constructor(private readonly wallets: WalletsService) {}

  @RpcHandler(accountRpc.openWallet)
  open(request: OpenWalletRequest): Promise<WalletWithBalance> {
    return this.wallets.open(request);
  }

  @RpcHandler(accountRpc.listWallets)
  list(caller: CallerContext): Promise<WalletList> {
    return this.wallets.list(caller);
  }

  @RpcHandler(accountRpc.getWallet)
  get(request: WalletRequest): Promise<WalletWithBalance> {
    return this.wallets.get(request);
  }

  @RpcHandler(accountRpc.statement)
  statement(request: WalletStatementRequest): Promise<WalletStatement> {
    return this.wallets.statement(request);
  }

  @RpcHandler(accountRpc.getTransaction)
  transaction(request: TransactionRequest): Promise<TransactionView> {
    return this.wallets.transaction(request);
  }

  @RpcHandler(accountRpc.balanceAt)
  balanceAt(request: WalletBalanceAtRequest): Promise<WalletBalanceAt> {
    return this.wallets.balanceAt(request);
  }

  @RpcHandler(accountRpc.closeWallet)
  close(request: WalletRequest): Promise<WalletWithBalance> {
    return this.wallets.close(request);
  }

  @RpcHandler(accountRpc.freezeWallet)
  freeze(action: StaffWalletAction): Promise<WalletWithBalance> {
    return this.wallets.freeze(action);
  }

  @RpcHandler(accountRpc.unfreezeWallet)
  unfreeze(action: StaffWalletAction): Promise<WalletWithBalance> {
    return this.wallets.unfreeze(action);
  }
}
