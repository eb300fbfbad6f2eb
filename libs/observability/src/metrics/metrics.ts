import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  register,
} from 'prom-client';

/** Latency buckets in seconds, 5 ms to 10 s: HTTP, RPC and message handling share them so dashboards compare. */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// A metric every default collection registers; its presence means the defaults are already collected.
const DEFAULT_METRIC_PROBE = 'process_cpu_user_seconds_total';

/**
 * Starts prom-client's process metrics (CPU, memory, event loop lag, GC, handles) on the default registry, once
 * per process: later calls, from any library, do nothing.
 */
export function enableDefaultMetrics(): void {
  if (register.getSingleMetric(DEFAULT_METRIC_PROBE)) return;
  collectDefaultMetrics({ register });
}

type MetricClass<M> = abstract new (...args: never[]) => M;

function getOrCreate<M>(
  name: string,
  labelNames: readonly string[] | undefined,
  kind: MetricClass<M>,
  create: () => M,
): M {
  const existing = register.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) {
    throw new Error(`Metric ${name} is already registered as another type than ${kind.name}.`);
  }
  const existingLabels = [...((existing as { labelNames?: readonly string[] }).labelNames ?? [])].sort();
  const wantedLabels = [...(labelNames ?? [])].sort();
  if (existingLabels.join(',') !== wantedLabels.join(',')) {
    throw new Error(
      `Metric ${name} is already registered with labels [${existingLabels.join(', ')}], not [${wantedLabels.join(', ')}].`,
    );
  }
  return existing;
}

/**
 * The histogram registered under `config.name` on the default registry, created on first use. Several libraries
 * in one process ask for the same metrics; a second `new Histogram` would throw. A clash in type or label names
 * is a programming error and throws at start-up.
 */
export function getOrCreateHistogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return getOrCreate(config.name, config.labelNames, Histogram<T>, () => new Histogram<T>(config));
}

export function getOrCreateCounter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return getOrCreate(config.name, config.labelNames, Counter<T>, () => new Counter<T>(config));
}

export function getOrCreateGauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return getOrCreate(config.name, config.labelNames, Gauge<T>, () => new Gauge<T>(config));
}

/** Everything registered, in the Prometheus text exposition format. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
