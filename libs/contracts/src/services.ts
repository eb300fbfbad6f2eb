/** The services of the platform. The gateway calls the others; they never call the gateway. */
export const BACKEND_SERVICES = ['auth', 'account', 'transaction', 'payment', 'notification'] as const;
export type BackendServiceName = (typeof BACKEND_SERVICES)[number];
export type ServiceName = BackendServiceName | 'gateway';

/**
 * The services that implement the privacy contract (`privacy.ts`): `privacy.export` over RPC and erasure on
 * `account.customer.erased.v1`. A service that starts holding personal data adds its name here.
 */
export const PRIVACY_PARTICIPANTS: readonly BackendServiceName[] = ['account', 'auth', 'transaction'];

/**
 * The event consumers each service declares (`@EventHandler(..., { consumer })`), i.e. its durable queues
 * `<service>.<consumer>` (with their retry and parking-lot queues). Tests that run services as processes delete
 * them afterwards from this list (`@kasho/testing`); each service's tests check that it declares exactly these.
 */
export const EVENT_CONSUMERS: Readonly<Partial<Record<BackendServiceName, readonly string[]>>> = {
  account: ['identity', 'ledger-balances'],
  auth: ['privacy'],
};
