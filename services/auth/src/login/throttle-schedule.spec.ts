import { secondsUntilAllowed, throttleDelaySeconds } from './throttle-schedule';

const schedule = { freeFailures: 3, maxDelaySeconds: 300 };

describe('sign-in throttle schedule', () => {
  it('costs nothing for the first free failures, then doubles from one second', () => {
    expect([0, 1, 2].map((n) => throttleDelaySeconds(n, schedule))).toEqual([0, 0, 0]);
    expect([3, 4, 5, 6, 7].map((n) => throttleDelaySeconds(n, schedule))).toEqual([1, 2, 4, 8, 16]);
  });

  it('is capped, also for absurd counts', () => {
    expect(throttleDelaySeconds(12, schedule)).toBe(300);
    expect(throttleDelaySeconds(1_000_000, schedule)).toBe(300);
  });

  it('counts the wait from the last failure', () => {
    const last = 1_000_000;
    expect(secondsUntilAllowed(5, last, last, schedule)).toBe(4);
    expect(secondsUntilAllowed(5, last, last + 3_500, schedule)).toBe(1);
    expect(secondsUntilAllowed(5, last, last + 4_000, schedule)).toBe(0);
    expect(secondsUntilAllowed(2, last, last, schedule)).toBe(0);
  });
});
