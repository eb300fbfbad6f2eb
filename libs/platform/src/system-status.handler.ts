import { type BackendServiceName, type ServiceStatusReport, systemStatusRpc } from '@kasho/contracts';
import { checkDatabase } from '@kasho/database';
import { Messaging } from '@kasho/messaging';
import { checkRedis, RedisClient } from '@kasho/redis';
import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

/**
 * Answers `system.status` for `GET /v1/status`. It touches the service's own database (and Redis where it has
 * one) on every call, so "up" means the service can do its work, not only that its process runs.
 */
@Injectable()
export class SystemStatusHandler implements OnModuleInit {
  constructor(
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
    private readonly messaging: Messaging,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly redis?: RedisClient,
  ) {}

  onModuleInit(): void {
    const service = this.identity.service as BackendServiceName;
    this.messaging.rpcServer.handle(systemStatusRpc(service), () => this.report(service));
  }

  async report(service: BackendServiceName): Promise<ServiceStatusReport> {
    const dependencies: ServiceStatusReport['dependencies'] = {};
    if (this.dataSource) dependencies.postgres = (await checkDatabase(this.dataSource)) ? 'up' : 'down';
    if (this.redis) dependencies.redis = (await checkRedis(this.redis)) ? 'up' : 'down';
    const healthy = Object.values(dependencies).every((state) => state === 'up');
    return { service, version: this.identity.version, status: healthy ? 'ok' : 'degraded', dependencies };
  }
}
