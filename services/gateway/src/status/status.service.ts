import {
  type BackendServiceName,
  BACKEND_SERVICES,
  type PlatformStatus,
  systemStatusRpc,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { RpcClient } from '@kasho/messaging';
import { HealthService } from '@kasho/observability';
import { SERVICE_IDENTITY, type ServiceIdentity } from '@kasho/platform';
import { Inject, Injectable } from '@nestjs/common';

type ServiceEntry = PlatformStatus['services'][number];

/**
 * Asks every backend service, in parallel, how it is (each answers after touching its own database), and adds
 * the gateway's own readiness. Every call has the RPC deadline, so a service that is down shows as `down` within
 * it rather than hanging the request.
 */
@Injectable()
export class StatusService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly health: HealthService,
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
  ) {}

  async platformStatus(): Promise<PlatformStatus> {
    const services = await Promise.all([
      this.gatewayStatus(),
      ...BACKEND_SERVICES.map((name) => this.serviceStatus(name)),
    ]);
    const allUp = services.every((entry) => entry.status === 'up');
    return { status: allUp ? 'ok' : 'degraded', services };
  }

  /** One service by name; an unknown name is 404 like any unknown resource. */
  async oneServiceStatus(name: string): Promise<ServiceEntry> {
    if (name === 'gateway') return this.gatewayStatus();
    if (!isBackendService(name)) throw new DomainError(ErrorCode.NotFound, `No service is called "${name}".`);
    return this.serviceStatus(name);
  }

  private async gatewayStatus(): Promise<ServiceEntry> {
    const started = process.hrtime.bigint();
    const readiness = await this.health.readiness();
    return {
      name: 'gateway',
      status: readiness.status === 'ok' ? 'up' : 'degraded',
      version: this.identity.version,
      roundTripMs: elapsedMs(started),
    };
  }

  private async serviceStatus(name: BackendServiceName): Promise<ServiceEntry> {
    const started = process.hrtime.bigint();
    try {
      const report = await this.rpc.call(systemStatusRpc(name), {});
      return {
        name,
        status: report.status === 'ok' ? 'up' : 'degraded',
        version: report.version,
        roundTripMs: elapsedMs(started),
      };
    } catch (error) {
      return {
        name,
        status: 'down',
        version: null,
        roundTripMs: null,
        error: error instanceof DomainError ? error.code : 'internal_error',
      };
    }
  }
}

function isBackendService(name: string): name is BackendServiceName {
  return (BACKEND_SERVICES as readonly string[]).includes(name);
}

function elapsedMs(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1000) / 1000;
}
