import { reconnectDelayMs } from './redis-client';

describe('reconnectDelayMs', () => {
  it('backs off from about 50 ms to at most 2 s, and keeps reconnecting', () => {
    for (let attempt = 1; attempt <= 100; attempt += 1) {
      const delay = reconnectDelayMs(attempt);
      const ceiling = Math.min(2000, 50 * 2 ** Math.min(attempt, 10));
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
    expect(reconnectDelayMs(1)).toBeLessThanOrEqual(100);
    expect(reconnectDelayMs(1000)).toBeGreaterThanOrEqual(1000);
  });
});
