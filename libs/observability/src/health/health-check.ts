/** The state of one dependency, as in `ServiceStatusReport.dependencies` of @kasho/contracts. */
export type DependencyState = 'up' | 'down';

/** One readiness check: resolves `true` when the dependency answers; `false`, a rejection or a timeout mean down. */
export interface HealthCheck {
  name: string;
  check: () => Promise<boolean>;
  /** Default: the module's `timeoutMs` (1 s). */
  timeoutMs?: number;
}

export interface HealthOptions {
  /** How long a check may take before it counts as down. Default 1000 ms. */
  timeoutMs?: number;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable' | 'shutting_down';
  checks: Record<string, DependencyState>;
}

/** Injection token: the list of checks the service's readiness depends on. */
export const HEALTH_CHECKS = 'kasho:health-checks';
export const HEALTH_OPTIONS = 'kasho:health-options';

/**
 * RabbitMQ answers on an open channel: `checkExchange` on an exchange that always exists (an amqplib channel).
 * A closed channel or connection rejects, which counts as down. PostgreSQL and Redis checks live with their clients
 * (`checkDatabase` in @kasho/database, `checkRedis` in @kasho/redis); this one until @kasho/messaging has its own.
 */
export function rabbitmqHealthCheck(
  channel: { checkExchange(exchange: string): Promise<unknown> },
  name = 'rabbitmq',
  exchange = 'amq.direct',
): HealthCheck {
  return { name, check: async () => (await channel.checkExchange(exchange), true) };
}
