import { Counter, Gauge, Histogram, register } from 'prom-client';
import {
  enableDefaultMetrics,
  getOrCreateCounter,
  getOrCreateGauge,
  getOrCreateHistogram,
  renderMetrics,
} from './metrics';

describe('metrics helpers', () => {
  it('returns the metric already registered under a name instead of throwing', () => {
    const config = {
      name: 'test_rpc_duration_seconds',
      help: 'h',
      labelNames: ['method', 'outcome'] as const,
    };
    const first = getOrCreateHistogram(config);
    const second = getOrCreateHistogram({ ...config, labelNames: ['outcome', 'method'] as const });
    expect(second).toBe(first);
    expect(first).toBeInstanceOf(Histogram);
    expect(getOrCreateCounter({ name: 'test_total', help: 'h' })).toBe(
      getOrCreateCounter({ name: 'test_total', help: 'h' }),
    );
    expect(getOrCreateGauge({ name: 'test_depth', help: 'h' })).toBeInstanceOf(Gauge);
    expect(getOrCreateCounter({ name: 'test_total', help: 'h' })).toBeInstanceOf(Counter);
  });

  it('adopts a metric another library registered itself', () => {
    const created = new Gauge({ name: 'test_parking_lot_messages', help: 'h', labelNames: ['queue'] });
    expect(getOrCreateGauge({ name: 'test_parking_lot_messages', help: 'h', labelNames: ['queue'] })).toBe(
      created,
    );
  });

  it('refuses a clash in type or labels', () => {
    getOrCreateCounter({ name: 'test_clash', help: 'h', labelNames: ['a'] });
    expect(() => getOrCreateGauge({ name: 'test_clash', help: 'h', labelNames: ['a'] })).toThrow(
      /another type/,
    );
    expect(() => getOrCreateCounter({ name: 'test_clash', help: 'h', labelNames: ['b'] })).toThrow(
      /labels \[a\]/,
    );
  });

  it('collects the default process metrics once, however often it is asked', async () => {
    enableDefaultMetrics();
    enableDefaultMetrics();
    const { contentType, body } = await renderMetrics();
    expect(contentType).toBe(register.contentType);
    expect(body.match(/^# TYPE process_cpu_user_seconds_total counter$/gm)).toHaveLength(1);
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });
});
