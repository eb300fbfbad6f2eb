import { isUuid, uuidv7, uuidv7Timestamp } from './uuidv7';

describe('uuidv7', () => {
  it('has version 7 and the RFC 9562 variant', () => {
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
  });

  it('carries its creation time in milliseconds', () => {
    const now = Date.UTC(2026, 10, 27, 12, 0, 0, 123);
    // A fixed time later than any id made so far in this process, so the counter does not borrow a millisecond.
    expect(uuidv7Timestamp(uuidv7(now + 10_000_000_000))).toBe(now + 10_000_000_000);
  });

  it('is strictly increasing within one process, even inside one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the clock does', () => {
    const first = uuidv7(Date.now() + 20_000_000_000);
    const second = uuidv7(Date.now());
    expect(second > first).toBe(true);
  });
});
