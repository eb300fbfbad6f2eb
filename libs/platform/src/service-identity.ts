import type { ServiceName } from '@kasho/contracts';

/** Which service this process is, and its version: injected where a service reports on itself. */
export interface ServiceIdentity {
  service: ServiceName;
  version: string;
}

export const SERVICE_IDENTITY = 'kasho:service-identity';
