export { LedgerReadsModule } from './ledger-reads.module';
