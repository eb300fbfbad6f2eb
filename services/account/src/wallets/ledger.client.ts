import {
  type Balance,
  ledgerRpc,
  type Statement,
  type StatementRequest,
  type Transfer,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { RpcClient } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';

/** The wallet's side of a ledger account: a customer wallet refuses overdrafts. */
export interface WalletLedgerAccount {
  ledgerAccountId: string;
  walletId: string;
  customerId: string;
  currency: string;
}

/** The ledger (transaction service) as the account service uses it: RPC only, never its tables. */
@Injectable()
export class LedgerClient {
  constructor(private readonly rpc: RpcClient) {}

  /** Idempotent on the id: `created` or `exists` both mean the account is there, exactly once. */
  async createWalletAccount(account: WalletLedgerAccount): Promise<void> {
    const { results } = await this.rpc.call(ledgerRpc.createAccounts, {
      accounts: [
        {
          id: account.ledgerAccountId,
          type: 'customer_wallet',
          currency: account.currency,
          flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false },
          // Pseudonymous ids only: the ledger holds no personal data.
          metadata: { walletId: account.walletId, customerId: account.customerId },
        },
      ],
    });
    const result = results[0];
    if (result?.result !== 'created' && result?.result !== 'exists') {
      throw new DomainError(
        ErrorCode.InternalError,
        `The ledger refused the wallet's account (${result?.result ?? 'no result'}).`,
      );
    }
  }

  /** Closes the ledger account if it is empty, in one statement on the ledger's side (no transfer can slip in). */
  async closeIfEmpty(ledgerAccountId: string): Promise<'closed' | 'not_empty' | 'account_not_found'> {
    const { result } = await this.rpc.call(ledgerRpc.closeAccount, { id: ledgerAccountId });
    return result === 'already_closed' ? 'closed' : result;
  }

  async transfer(id: string): Promise<Transfer | undefined> {
    const { transfers } = await this.rpc.call(ledgerRpc.lookupTransfers, { ids: [id] });
    return transfers[0];
  }

  balance(ledgerAccountId: string, at?: string): Promise<Balance> {
    return this.rpc.call(ledgerRpc.balance, { accountId: ledgerAccountId, ...(at ? { at } : {}) });
  }

  statement(request: StatementRequest): Promise<Statement> {
    return this.rpc.call(ledgerRpc.statement, request);
  }
}
