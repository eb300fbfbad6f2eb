export { AdminLedgerModule } from './admin-ledger.module';
export type { AdminLedgerOptions } from './admin-ledger.module';
