import {
  CLIENT_ID_PATTERN,
  DUMMY_SECRET_HASH,
  generateClientId,
  generateClientSecret,
  hashClientSecret,
  verifyClientSecret,
} from './client-credentials';

describe('client credentials', () => {
  it('makes readable, distinct client ids', () => {
    const ids = new Set(Array.from({ length: 50 }, generateClientId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(CLIENT_ID_PATTERN);
  });

  it('makes 256-bit base64url secrets', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('verifies the right secret only, and never stores it', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(secret);
    expect(stored).not.toContain(secret);
    expect(verifyClientSecret(secret, stored)).toBe(true);
    expect(verifyClientSecret(generateClientSecret(), stored)).toBe(false);
    expect(verifyClientSecret(`${secret}x`, stored)).toBe(false);
    expect(verifyClientSecret('', stored)).toBe(false);
  });

  it('salts each hash, so one secret stored twice gives two hashes', () => {
    const secret = generateClientSecret();
    const first = hashClientSecret(secret);
    const second = hashClientSecret(secret);
    expect(first).not.toBe(second);
    expect(verifyClientSecret(secret, second)).toBe(true);
  });

  it('never matches a malformed stored value or the dummy hash', () => {
    const secret = generateClientSecret();
    expect(verifyClientSecret(secret, '')).toBe(false);
    expect(verifyClientSecret(secret, 'sha256$$')).toBe(false);
    expect(verifyClientSecret(secret, hashClientSecret(secret).replace('sha256', 'md5'))).toBe(false);
    expect(verifyClientSecret(secret, DUMMY_SECRET_HASH)).toBe(false);
  });
});
