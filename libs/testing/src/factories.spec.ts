import { uniqueEmail, uniqueIdempotencyKey, uniqueSuffix } from './index';

describe('factories', () => {
  it('makes unique, well-formed values', () => {
    const emails = new Set(Array.from({ length: 100 }, () => uniqueEmail('Ada Lovelace')));
    expect(emails.size).toBe(100);
    for (const email of emails) expect(email).toMatch(/^ada-lovelace-[0-9a-f]{8}@example\.test$/);
    expect(uniqueEmail('!!!')).toMatch(/^user-[0-9a-f]{8}@example\.test$/);
    expect(uniqueSuffix()).toMatch(/^[0-9a-f]{8}$/);
    expect(uniqueIdempotencyKey()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
