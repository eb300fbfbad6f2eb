import {
  findRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  verifyRecoveryCode,
} from './recovery-codes';

describe('recovery codes', () => {
  it('generates ten distinct xxxx-xxxx-xxxx codes from the unambiguous alphabet', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
    }
  });

  it('carries at least 50 bits of entropy per code', () => {
    const alphabetSize = 32;
    const symbols = 12;
    expect(symbols * Math.log2(alphabetSize)).toBeGreaterThanOrEqual(50);
    // Every symbol of the alphabet shows up across many codes (the sampling is not stuck on a subset).
    const seen = new Set(generateRecoveryCodes(200).join('').replace(/-/g, ''));
    expect(seen.size).toBe(alphabetSize);
  });

  it('hashes with a salt, never storing the code', () => {
    const [code] = generateRecoveryCodes(1) as [string];
    const first = hashRecoveryCode(code);
    const second = hashRecoveryCode(code);
    expect(first).toMatch(/^sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain(code.replace(/-/g, ''));
    expect(verifyRecoveryCode(code, first)).toBe(true);
    expect(verifyRecoveryCode(code, second)).toBe(true);
  });

  it('verifies regardless of case, dashes, spaces and o/i/l look-alikes', () => {
    const code = '7k2m-q9xd-01wp';
    const stored = hashRecoveryCode(code);
    for (const typed of [
      '7K2M-Q9XD-01WP',
      '7k2mq9xd01wp',
      ' 7k2m q9xd 01wp ',
      '7k2m-q9xd-oiwp',
      '7K2M-Q9XD-OLWP',
    ]) {
      expect(verifyRecoveryCode(typed, stored)).toBe(true);
    }
  });

  it('refuses a wrong, malformed or empty code and a malformed stored hash', () => {
    const stored = hashRecoveryCode('7k2m-q9xd-01wp');
    expect(verifyRecoveryCode('7k2m-q9xd-01wq', stored)).toBe(false);
    expect(verifyRecoveryCode('7k2m-q9xd-01w', stored)).toBe(false);
    expect(verifyRecoveryCode('7k2m-q9xd-01wpp', stored)).toBe(false);
    expect(verifyRecoveryCode('', stored)).toBe(false);
    expect(verifyRecoveryCode('7k2m-q9xd-01wp', 'not-a-hash')).toBe(false);
    expect(verifyRecoveryCode('7k2m-q9xd-01wp', `${stored}$extra`)).toBe(false);
    expect(normaliseRecoveryCode('7k2m-q9xd-01wu')).toBeNull();
    expect(() => hashRecoveryCode('nope')).toThrow(RangeError);
  });

  it('finds which stored code matched, so the caller can spend it', () => {
    const codes = generateRecoveryCodes();
    const stored = codes.map(hashRecoveryCode);
    expect(findRecoveryCode(codes[3], stored)).toBe(3);
    expect(findRecoveryCode(codes[3].toUpperCase(), stored)).toBe(3);
    const spent = stored.filter((_, index) => index !== 3);
    expect(findRecoveryCode(codes[3], spent)).toBe(-1);
    expect(findRecoveryCode(codes[4], spent)).toBe(3);
  });
});
