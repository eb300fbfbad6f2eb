import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import {
  type DependencyState,
  HEALTH_CHECKS,
  HEALTH_OPTIONS,
  type HealthCheck,
  type HealthOptions,
  type ReadinessReport,
} from './health-check';

const DEFAULT_TIMEOUT_MS = 1000;

interface Outcome {
  state: DependencyState;
  reason?: string;
}

/**
 * Knows the checks that decide readiness and runs them, in parallel, each within its timeout. Other modules add
 * theirs with `registerHealthCheck` (inject `HealthService`; `HealthModule` is global). Once the application
 * starts shutting down, readiness answers `shutting_down` without running anything, so the load balancer stops
 * sending traffic while in-flight work finishes.
 */
@Injectable()
export class HealthService implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private readonly checks = new Map<string, HealthCheck>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly lastStates = new Map<string, DependencyState>();
  private readonly defaultTimeoutMs: number;
  private shuttingDown = false;

  constructor(
    @Optional() @Inject(HEALTH_CHECKS) checks?: HealthCheck[] | null,
    @Optional() @Inject(HEALTH_OPTIONS) options?: HealthOptions | null,
  ) {
    this.defaultTimeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    for (const { name, check, timeoutMs } of checks ?? []) this.registerHealthCheck(name, check, timeoutMs);
  }

  registerHealthCheck(name: string, check: () => Promise<boolean>, timeoutMs?: number): void {
    if (this.checks.has(name)) throw new Error(`Health check "${name}" is already registered.`);
    this.checks.set(name, { name, check, timeoutMs });
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Readiness fails from now on. `main.ts` may call it on SIGTERM, before waiting for endpoints to drain. */
  markShuttingDown(): void {
    if (!this.shuttingDown) this.logger.log('Shutting down: readiness now fails');
    this.shuttingDown = true;
  }

  onModuleDestroy(): void {
    this.markShuttingDown();
  }

  beforeApplicationShutdown(): void {
    this.markShuttingDown();
  }

  async readiness(): Promise<ReadinessReport> {
    if (this.shuttingDown) return { status: 'shutting_down', checks: {} };
    const entries = await Promise.all(
      [...this.checks.values()].map(async (check) => [check.name, await this.run(check)] as const),
    );
    const checks: Record<string, DependencyState> = {};
    for (const [name, outcome] of entries) {
      checks[name] = outcome.state;
      this.noteChange(name, outcome);
    }
    const ready = entries.every(([, outcome]) => outcome.state === 'up');
    return { status: ready ? 'ok' : 'unavailable', checks };
  }

  private async run(check: HealthCheck): Promise<Outcome> {
    const timeoutMs = check.timeoutMs ?? this.defaultTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ state: 'down', reason: `no answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.attempt(check), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A check still running from an earlier probe is joined, not started again: a hung dependency is not piled on. */
  private async attempt(check: HealthCheck): Promise<Outcome> {
    let running = this.inFlight.get(check.name);
    if (!running) {
      running = Promise.resolve()
        .then(check.check)
        .finally(() => this.inFlight.delete(check.name));
      this.inFlight.set(check.name, running);
    }
    try {
      return (await running) === true ? { state: 'up' } : { state: 'down', reason: 'reported unhealthy' };
    } catch (error) {
      return { state: 'down', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Logs transitions only: probes run every few seconds and a steady state says nothing new. */
  private noteChange(name: string, outcome: Outcome): void {
    const previous = this.lastStates.get(name);
    this.lastStates.set(name, outcome.state);
    if (previous === outcome.state) return;
    if (outcome.state === 'down')
      this.logger.warn(`Health check ${name} is down: ${outcome.reason ?? 'unknown'}`);
    else if (previous !== undefined) this.logger.log(`Health check ${name} is up again`);
  }
}
