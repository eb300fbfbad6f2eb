import fc from 'fast-check';
import { REDACTED, isSensitiveKey, passesLuhn, redactPaths, scrubString, scrubValue } from './redaction';

describe('scrubString', () => {
  it.each([
    ['a Visa number with spaces', 'charge 4111 1111 1111 1111 failed', '4111 1111 1111 1111'],
    ['a Mastercard number with dashes', 'card 5500-0000-0000-0004 declined', '5500-0000-0000-0004'],
    ['an Amex number in one piece', 'pan=378282246310005;', '378282246310005'],
    ['a 19 digit card number', 'card 6221260000000000001', '6221260000000000001'],
    ['a card number followed by an expiry', '4111 1111 1111 1111 12 29', '4111 1111 1111 1111'],
    ['a card number glued to letters', 'card4111111111111111x', '4111111111111111'],
    ['a compact IBAN', 'payout to DE89370400440532013000 queued', 'DE89370400440532013000'],
    ['a printed IBAN', 'payout to GB82 WEST 1234 5698 7654 32.', 'GB82 WEST 1234 5698 7654 32'],
    [
      'an email address',
      'no user jane.doe+wallet@mail.example.co.uk here',
      'jane.doe+wallet@mail.example.co.uk',
    ],
    ['a bearer token', 'header was Bearer abc.DEF-123_456~xyz= end', 'abc.DEF-123_456~xyz='],
    ['basic credentials', 'authorization: basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    [
      'a bare JWT',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl leaked',
      'eyJhbGciOiJIUzI1NiJ9',
    ],
  ])('removes %s', (_name, text, secret) => {
    const scrubbed = scrubString(text);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain(REDACTED);
  });

  it.each([
    ['a UUID', 'account 0190c6a2-7b4e-7c3d-9a1b-2f3e4d5c6b7a'],
    ['a digit run that fails Luhn', 'reference 4111 1111 1111 1112'],
    ['a short number', 'amount 105000 EUR'],
    ['an ISO time', 'at 2025-01-15T10:00:00.000Z'],
    ['a trace id', 'trace 4bf92f3577b34da6a3ce929d0e0e4736'],
    ['an id longer than any card', 'ref 12345678901234567890123'],
  ])('keeps %s', (_name, text) => {
    expect(scrubString(text)).toBe(text);
  });

  it('never lets a valid card number through, however it is written', () => {
    const cardNumber = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
      .map((digits) => withLuhnCheckDigit(digits.join('')));
    const separator = fc.constantFrom('', ' ', '-');
    fc.assert(
      fc.property(cardNumber, separator, fc.string(), fc.string(), (digits, sep, before, after) => {
        const written = digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
        // Text that glues more digits onto the number makes it a different number; keep the edges non-digit.
        const text = `${before.replace(/\d$/, '')} ${written} ${after.replace(/^\d/, '')}`;
        expect(scrubString(text)).not.toContain(written);
      }),
    );
  });
});

describe('passesLuhn', () => {
  it('accepts test card numbers and refuses a changed digit', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'password',
    'newPassword',
    'current_password',
    'Authorization',
    'x-api-key',
    'set-cookie',
    'client_secret',
    'webhookSecret',
    'resetToken',
    'access_token',
    'recipientEmail',
    'CVC',
    'iban',
    'pan',
  ])('treats %s as sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['id', 'amount', 'currency', 'tokenType', 'emailVerified', 'ibanLast4', 'last4', 'code', 'number'])(
    'keeps %s',
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
    },
  );

  it('treats number as sensitive only under a card', () => {
    expect(isSensitiveKey('number', 'card')).toBe(true);
    expect(isSensitiveKey('number', 'sourceCard')).toBe(true);
    expect(isSensitiveKey('number', 'page')).toBe(false);
  });
});

describe('scrubValue', () => {
  it('redacts sensitive keys at any depth and scrubs strings, leaving the input untouched', () => {
    const input = {
      a: { b: { c: { d: { e: { password: 'p4ss', note: 'mail jane@example.com' } } } } },
      cards: [{ number: '4111111111111111', last4: '1111' }],
      amount: 1050,
    };
    expect(scrubValue(input)).toEqual({
      a: { b: { c: { d: { e: { password: REDACTED, note: `mail ${REDACTED}` } } } } },
      cards: [{ number: REDACTED, last4: '1111' }],
      amount: 1050,
    });
    expect(input.a.b.c.d.e.password).toBe('p4ss');
  });

  it('serialises errors and scrubs their message and stack', () => {
    const error = new Error('card 4111 1111 1111 1111 refused for jane@example.com');
    const scrubbed = scrubValue({ err: error }) as { err: { type: string; message: string; stack: string } };
    expect(scrubbed.err.type).toBe('Error');
    expect(scrubbed.err.message).toBe(`card ${REDACTED} refused for ${REDACTED}`);
    expect(scrubbed.err.stack).not.toContain('4111');
    expect(scrubbed.err.stack).not.toContain('jane@');
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { name: 'n' };
    node.self = node;
    expect(scrubValue(node)).toEqual({ name: 'n', self: '[Circular]' });
  });
});

describe('redactPaths', () => {
  it('covers headers and nested fields with valid pino paths', () => {
    const paths = redactPaths();
    expect(paths).toEqual(
      expect.arrayContaining(['password', '*.password', '*.*.authorization', '*["set-cookie"]']),
    );
    expect(paths).toEqual(expect.arrayContaining(['card.number', '*.card.number']));
  });
});

function withLuhnCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    if (passesLuhn(body + String(digit))) return body + String(digit);
  }
  throw new Error('unreachable: one check digit always fits');
}
