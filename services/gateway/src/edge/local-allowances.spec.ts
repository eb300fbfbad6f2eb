import { LocalAllowances, MAX_SLICES, SLICE_LIFETIME_MS } from './local-allowances';

describe('local allowances', () => {
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets through a tenth of what Redis said was left, for a second, and owes it', () => {
    const local = new LocalAllowances(clock);
    expect(local.take('ip:a', 600)).toBeUndefined();
    local.settle('ip:a', 600, { allowed: true, remaining: 599, resetSeconds: 1 });
    for (let index = 0; index < 59; index += 1) expect(local.take('ip:a', 600)).toBeDefined();
    expect(local.take('ip:a', 600)).toBeUndefined();
    expect(local.claimOwed('ip:a')).toBe(59);
    expect(local.claimOwed('ip:a')).toBe(0);
  });

  it('reports what is left counting down from the last check', () => {
    const local = new LocalAllowances(clock);
    local.settle('ip:a', 600, { allowed: true, remaining: 500, resetSeconds: 10 });
    expect(local.take('ip:a', 600)).toEqual({ remaining: 499, resetSeconds: 10 });
    expect(local.take('ip:a', 600)).toEqual({ remaining: 498, resetSeconds: 10 });
  });

  it('checks every request in Redis near the limit, after a refusal, for another limit and once expired', () => {
    const local = new LocalAllowances(clock);
    local.settle('ip:near', 600, { allowed: true, remaining: 9, resetSeconds: 1 });
    expect(local.take('ip:near', 600)).toBeUndefined();
    local.settle('ip:refused', 600, { allowed: false, remaining: 0, resetSeconds: 60 });
    expect(local.take('ip:refused', 600)).toBeUndefined();
    local.settle('ip:far', 600, { allowed: true, remaining: 500, resetSeconds: 1 });
    expect(local.take('ip:far', 300)).toBeUndefined();
    now += SLICE_LIFETIME_MS;
    expect(local.take('ip:far', 600)).toBeUndefined();
  });

  it('charges twice no debt: a claimed slice is closed until the next answer', () => {
    const local = new LocalAllowances(clock);
    local.settle('ip:a', 600, { allowed: true, remaining: 500, resetSeconds: 1 });
    local.take('ip:a', 600);
    local.take('ip:a', 600);
    expect(local.claimOwed('ip:a')).toBe(2);
    expect(local.take('ip:a', 600)).toBeUndefined();
    expect(local.claimOwed('ip:a')).toBe(0);
  });

  it('drains expired slices with their debt, and the oldest beyond the cap', () => {
    const local = new LocalAllowances(clock);
    local.settle('ip:quiet', 600, { allowed: true, remaining: 500, resetSeconds: 1 });
    local.take('ip:quiet', 600);
    local.settle('ip:idle', 600, { allowed: true, remaining: 500, resetSeconds: 1 });
    expect(local.drain()).toEqual([]);
    now += SLICE_LIFETIME_MS;
    expect(local.drain()).toEqual([{ key: 'ip:quiet', limit: 600, owed: 1 }]);
    expect(local.size).toBe(0);

    for (let index = 0; index <= MAX_SLICES; index += 1) {
      local.settle(`ip:${index}`, 600, { allowed: true, remaining: 500, resetSeconds: 1 });
      local.take(`ip:${index}`, 600);
    }
    expect(local.drain()).toEqual([{ key: 'ip:0', limit: 600, owed: 1 }]);
    expect(local.size).toBe(MAX_SLICES);
    expect(local.drain(true)).toHaveLength(MAX_SLICES);
  });
});
