export * from './services';
export * from './rpc';
export * from './events';
export * from './system';
export * from './auth';
export * from './identity';
export * from './ledger';
