import { type ServiceName } from '@kasho/contracts';
import { checkDatabase, DatabaseModule } from '@kasho/database';
import { Messaging, MessagingModule } from '@kasho/messaging';
import { HealthModule, type HealthCheck, MetricsModule } from '@kasho/observability';
import { checkRedis, RedisClient, RedisModule } from '@kasho/redis';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { type ServiceSchema } from './service-database';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';
import { SystemStatusHandler } from './system-status.handler';

/** The connection settings of @kasho/config's fragments that the platform wires. */
export interface PlatformConfig {
  SERVICE_VERSION: string;
  AMQP_URL: string;
  AMQP_NAMESPACE: string;
  RPC_TIMEOUT_MS: number;
  REDIS_URL?: string;
  REDIS_KEY_PREFIX?: string;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  DATABASE_MIGRATE_ON_START?: boolean;
}

export interface PlatformOptions {
  service: ServiceName;
  config: PlatformConfig;
  /** The service's own PostgreSQL database: its entities and committed migrations. */
  database?: ServiceSchema;
  redis?: boolean;
  /**
   * Unacknowledged RPC requests (and events) this replica takes at once; messaging's default (32) when absent. A
   * service that coalesces concurrent requests (the ledger's group commit) needs more of them in hand.
   */
  prefetch?: number;
  /** The outbox relay's settings, where a service differs from messaging's defaults. */
  outbox?: { claimDelayMs?: number };
}

/**
 * What every service stands on, wired once: its database (created and migrated locally), Redis, RabbitMQ
 * messaging (RPC, events, outbox, inbox), `/metrics`, `/health/live` and `/health/ready` (checking exactly the
 * dependencies the service has), and the `system.status` RPC that `GET /v1/status` asks each backend service.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, service } = options;
    const identity: ServiceIdentity = { service, version: config.SERVICE_VERSION };
    const imports: DynamicModule['imports'] = [
      MessagingModule.forRoot({
        url: config.AMQP_URL,
        service,
        namespace: config.AMQP_NAMESPACE,
        rpcTimeoutMs: config.RPC_TIMEOUT_MS,
        ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
        ...(options.outbox ? { outbox: options.outbox } : {}),
      }),
      MetricsModule,
      HealthModule.forRootAsync({
        inject: [ModuleRef],
        useFactory: (moduleRef: ModuleRef) => healthChecks(moduleRef, options),
      }),
    ];
    if (options.database) {
      imports.push(
        DatabaseModule.forRoot({
          url: required(config.DATABASE_URL, 'DATABASE_URL'),
          poolSize: config.DATABASE_POOL_SIZE,
          entities: options.database.entities,
          migrations: options.database.migrations,
          migrateOnStart: config.DATABASE_MIGRATE_ON_START ?? false,
          applicationName: `kasho-${service}`,
        }),
      );
    }
    if (options.redis) {
      imports.push(
        RedisModule.forRoot({
          url: required(config.REDIS_URL, 'REDIS_URL'),
          keyPrefix: required(config.REDIS_KEY_PREFIX, 'REDIS_KEY_PREFIX'),
          connectionName: `kasho-${service}`,
        }),
      );
    }
    const providers: Provider[] = [{ provide: SERVICE_IDENTITY, useValue: identity }];
    if (service !== 'gateway') providers.push(SystemStatusHandler);
    return { module: PlatformModule, global: true, imports, providers, exports: [SERVICE_IDENTITY] };
  }
}

/** Resolved lazily: the clients are created by async providers that may not exist yet when the list is built. */
function healthChecks(moduleRef: ModuleRef, options: PlatformOptions): HealthCheck[] {
  const get = <T>(token: new (...args: never[]) => T): T => moduleRef.get(token, { strict: false });
  const checks: HealthCheck[] = [];
  if (options.database) checks.push({ name: 'postgres', check: () => checkDatabase(get(DataSource)) });
  if (options.redis) checks.push({ name: 'redis', check: () => checkRedis(get(RedisClient)) });
  checks.push({ name: 'rabbitmq', check: () => get(Messaging).ping() });
  return checks;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is required by this service's platform wiring`);
  return value;
}
