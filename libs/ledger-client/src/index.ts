export { LedgerClient } from './ledger-client';
export type { LedgerClientOptions, RpcCaller } from './ledger-client';
