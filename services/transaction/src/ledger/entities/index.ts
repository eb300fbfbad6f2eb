import { BalanceHistoryEntity } from './balance-history.entity';
import { LedgerAccountEntity } from './ledger-account.entity';
import { LedgerBatchEntity } from './ledger-batch.entity';
import { PendingTransferEntity } from './pending-transfer.entity';
import { TransferEntity } from './transfer.entity';

export {
  BalanceHistoryEntity,
  LedgerAccountEntity,
  LedgerBatchEntity,
  PendingTransferEntity,
  TransferEntity,
};

/** The ledger's tables, as entities (for the drift check; the ledger writes with set-based SQL). */
export const LEDGER_ENTITIES = [
  LedgerAccountEntity,
  LedgerBatchEntity,
  TransferEntity,
  PendingTransferEntity,
  BalanceHistoryEntity,
] as const;
