import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { HEALTH_CHECKS, HEALTH_OPTIONS, type HealthCheck, type HealthOptions } from './health-check';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

export interface HealthModuleOptions extends HealthOptions {
  checks?: HealthCheck[];
}

export interface HealthModuleAsyncOptions extends HealthOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  /** Builds the checks from injected clients (`(dataSource, redis) => [postgresHealthCheck(dataSource), …]`). */
  useFactory: (...args: never[]) => HealthCheck[] | Promise<HealthCheck[]>;
}

/**
 * `GET /health/live` and `GET /health/ready`. Global, so any module can inject `HealthService` and register a
 * check of its own.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, useValue: options.checks ?? [] },
        { provide: HEALTH_OPTIONS, useValue: { timeoutMs: options.timeoutMs } },
        HealthService,
      ],
      exports: [HealthService],
    };
  }

  static forRootAsync(options: HealthModuleAsyncOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: HEALTH_OPTIONS, useValue: { timeoutMs: options.timeoutMs } },
        HealthService,
      ],
      exports: [HealthService],
    };
  }
}
