import { type OtpAlgorithm } from './hotp';
import { acceptTotp, generateTotpSecret, SECRET_BYTES, timeStep, totp, verifyTotp } from './totp';

const at = (seconds: number): Date => new Date(seconds * 1000);

describe('totp', () => {
  describe('RFC 6238 Appendix B vectors (8 digits, 30 s steps)', () => {
    // The RFC's reference code uses a seed as long as the hash's output for each algorithm.
    const seeds: Record<OtpAlgorithm, Buffer> = {
      SHA1: Buffer.from('12345678901234567890', 'ascii'),
      SHA256: Buffer.from('12345678901234567890123456789012', 'ascii'),
      SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
    };
    const rows: [number, Record<OtpAlgorithm, string>][] = [
      [59, { SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' }],
      [1111111109, { SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' }],
      [1111111111, { SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' }],
      [1234567890, { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' }],
      [2000000000, { SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' }],
      [20000000000, { SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' }],
    ];
    const cases = rows.flatMap(([seconds, codes]) =>
      (['SHA1', 'SHA256', 'SHA512'] as const).map(
        (algorithm) => [seconds, algorithm, codes[algorithm]] as const,
      ),
    );

    it.each(cases)('at %i s with %s gives %s', (seconds, algorithm, code) => {
      expect(totp(seeds[algorithm], at(seconds), { digits: 8, algorithm })).toBe(code);
      expect(verifyTotp(seeds[algorithm], code, at(seconds), { digits: 8, algorithm })).toBe(
        Math.floor(seconds / 30),
      );
    });
  });

  it('counts whole 30-second steps since the epoch', () => {
    expect(timeStep(at(0))).toBe(0);
    expect(timeStep(at(29.999))).toBe(0);
    expect(timeStep(at(30))).toBe(1);
    expect(timeStep(at(1111111109))).toBe(0x23523ec);
    expect(() => timeStep(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('generates 160-bit secrets that differ', () => {
    const a = generateTotpSecret();
    expect(a).toHaveLength(SECRET_BYTES);
    expect(SECRET_BYTES * 8).toBe(160);
    expect(a.equals(generateTotpSecret())).toBe(false);
  });

  describe('window', () => {
    const secret = Buffer.from('12345678901234567890', 'ascii');
    const now = at(1234567890);
    const current = timeStep(now);
    const codeFor = (step: number): string => totp(secret, at(step * 30));

    it('accepts the current, previous and next steps and says which matched', () => {
      expect(verifyTotp(secret, codeFor(current), now)).toBe(current);
      expect(verifyTotp(secret, codeFor(current - 1), now)).toBe(current - 1);
      expect(verifyTotp(secret, codeFor(current + 1), now)).toBe(current + 1);
    });

    it('refuses codes two steps away', () => {
      expect(verifyTotp(secret, codeFor(current - 2), now)).toBeNull();
      expect(verifyTotp(secret, codeFor(current + 2), now)).toBeNull();
    });

    it('refuses codes that are not exactly six digits', () => {
      const code = codeFor(current);
      expect(verifyTotp(secret, ` ${code}`, now)).toBeNull();
      expect(verifyTotp(secret, code.slice(1), now)).toBeNull();
      expect(verifyTotp(secret, `${code}0`, now)).toBeNull();
      expect(verifyTotp(secret, '', now)).toBeNull();
    });

    it('refuses a code made with another secret', () => {
      expect(verifyTotp(generateTotpSecret(), codeFor(current), now)).toBeNull();
    });
  });

  describe('acceptTotp: each code once only', () => {
    // A fixed secret keeps the test deterministic (no chance collision between neighbouring steps' codes).
    const secret = Buffer.from('12345678901234567890', 'ascii');
    const now = at(1700000000);
    const current = timeStep(now);
    const codeFor = (step: number): string => totp(secret, at(step * 30));

    it('accepts a first code and returns its step', () => {
      expect(acceptTotp(secret, codeFor(current), now, null)).toEqual({ ok: true, step: current });
    });

    it('refuses the same code again (replay)', () => {
      const first = acceptTotp(secret, codeFor(current), now, null);
      expect(first.ok).toBe(true);
      const last = first.ok ? first.step : null;
      expect(acceptTotp(secret, codeFor(current), now, last)).toEqual({ ok: false });
      // Still refused later in its validity window (the next step, where it is the "previous" code).
      expect(acceptTotp(secret, codeFor(current), at((current + 1) * 30), last)).toEqual({ ok: false });
    });

    it('refuses any step at or before the last accepted one, even if otherwise valid', () => {
      // The next-step code was accepted (clock drift); the current code is now older and refused.
      expect(acceptTotp(secret, codeFor(current), now, current + 1)).toEqual({ ok: false });
      expect(acceptTotp(secret, codeFor(current - 1), now, current - 1)).toEqual({ ok: false });
    });

    it('accepts a later step after an earlier one', () => {
      expect(acceptTotp(secret, codeFor(current + 1), now, current)).toEqual({ ok: true, step: current + 1 });
      expect(acceptTotp(secret, codeFor(current), now, current - 1)).toEqual({ ok: true, step: current });
    });

    it('refuses a wrong code', () => {
      const wrong = String((Number(codeFor(current)) + 1) % 1_000_000).padStart(6, '0');
      expect([current - 1, current + 1].map(codeFor)).not.toContain(wrong);
      expect(acceptTotp(secret, wrong, now, null)).toEqual({ ok: false });
    });
  });
});
