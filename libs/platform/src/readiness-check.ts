import { HealthService } from '@kasho/observability';
import { type InjectionToken, type Provider } from '@nestjs/common';

export interface ReadinessCheckProvider {
  /** The name in `/health/ready`'s `checks` (unique in the service), e.g. `revocation-redis`. */
  name: string;
  /** What the check needs, resolved like any provider's dependencies. */
  inject?: InjectionToken[];
  /** Builds the check from the injected values: resolves true when the dependency answers. */
  useFactory: (...dependencies: never[]) => () => Promise<boolean>;
  /** Default: the health module's timeout (1 s). */
  timeoutMs?: number;
}

/**
 * A provider by which a feature module adds a dependency of its own (a connection the platform does not know, such
 * as the gateway's second Redis) to `/health/ready`, next to the platform's database, Redis and broker checks. Put
 * it in the module's `providers`; the check is registered when the module is instantiated.
 */
export function provideReadinessCheck(options: ReadinessCheckProvider): Provider {
  const useFactory = options.useFactory as (...dependencies: unknown[]) => () => Promise<boolean>;
  return {
    provide: Symbol(`readiness-check:${options.name}`),
    inject: [HealthService, ...(options.inject ?? [])],
    useFactory: (health: HealthService, ...dependencies: unknown[]) => {
      health.registerHealthCheck(options.name, useFactory(...dependencies), options.timeoutMs);
      return options.name;
    },
  };
}
