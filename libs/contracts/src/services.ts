/** The services of the platform. The gateway calls the others; they never call the gateway. */
export const BACKEND_SERVICES = ['auth', 'account', 'transaction', 'payment', 'notification'] as const;
export type BackendServiceName = (typeof BACKEND_SERVICES)[number];
export type ServiceName = BackendServiceName | 'gateway';
