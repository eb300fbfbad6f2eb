export { IS_PUBLIC, Public } from './public.decorator';
export {
  LATENCY_BUCKETS_SECONDS,
  enableDefaultMetrics,
  getOrCreateCounter,
  getOrCreateGauge,
  getOrCreateHistogram,
  renderMetrics,
} from './metrics/metrics';
export { HTTP_REQUEST_DURATION_METRIC, registerHttpMetrics } from './metrics/http-metrics';
export { MetricsController } from './metrics/metrics.controller';
export { MetricsModule } from './metrics/metrics.module';
export { isTracingStarted, startTracing } from './tracing/tracing';
export type { TracingHandle, TracingOptions } from './tracing/tracing';
export { extractTraceContext, injectTraceContext } from './tracing/trace-context';
export type { TraceCarrier } from './tracing/trace-context';
export { registerHttpTracing } from './tracing/http-tracing';
export { HEALTH_CHECKS, rabbitmqHealthCheck } from './health/health-check';
export type { DependencyState, HealthCheck, HealthOptions, ReadinessReport } from './health/health-check';
export { HealthService } from './health/health.service';
export { HealthController } from './health/health.controller';
export { HealthModule } from './health/health.module';
export type { HealthModuleAsyncOptions, HealthModuleOptions } from './health/health.module';
