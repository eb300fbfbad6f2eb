import { defineRpc, type RpcContract } from './rpc';
import type { BackendServiceName, ServiceName } from './services';

export type DependencyState = 'up' | 'down';

/** What a service answers to `system.status`: it touched its own database to say so. */
export interface ServiceStatusReport {
  service: BackendServiceName;
  version: string;
  status: 'ok' | 'degraded';
  dependencies: Record<string, DependencyState>;
}

export type SystemStatusRequest = Record<string, never>;

export function systemStatusRpc(
  service: BackendServiceName,
): RpcContract<SystemStatusRequest, ServiceStatusReport> {
  return defineRpc<SystemStatusRequest, ServiceStatusReport>(service, 'system.status');
}

/** What `GET /v1/status` answers at the gateway: the gateway itself first, then every backend service. */
export interface PlatformStatus {
  status: 'ok' | 'degraded';
  services: Array<{
    name: ServiceName;
    status: 'up' | 'down' | 'degraded';
    version: string | null;
    roundTripMs: number | null;
    error?: string;
  }>;
}
