import { DomainError } from '@kasho/errors';
import fc from 'fast-check';
import { parseTokenRequest } from './token-request';

const FORM = 'application/x-www-form-urlencoded';

function basic(id: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('parseTokenRequest', () => {
  it('reads client_secret_basic, decoding the form-urlencoded id and secret', () => {
    expect(
      parseTokenRequest(`${FORM}; charset=utf-8`, basic('a:b', 'p+q r%'), {
        grant_type: 'client_credentials',
      }),
    ).toEqual({ grantType: 'client_credentials', clientId: 'a:b', clientSecret: 'p+q r%' });
  });

  it('reads any id and secret through Basic exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        (id, secret) => {
          expect(
            parseTokenRequest(FORM, basic(id, secret), { grant_type: 'client_credentials' }),
          ).toMatchObject({
            clientId: id,
            clientSecret: secret,
          });
        },
      ),
    );
  });

  it('reads client_secret_post and the scope', () => {
    expect(
      parseTokenRequest(FORM, undefined, {
        grant_type: 'client_credentials',
        client_id: 'c',
        client_secret: 's',
        scope: 'payments:read wallets:read',
      }),
    ).toEqual({
      grantType: 'client_credentials',
      clientId: 'c',
      clientSecret: 's',
      scope: 'payments:read wallets:read',
    });
  });

  it.each([
    [
      'JSON',
      'application/json',
      undefined,
      { grant_type: 'client_credentials', client_id: 'c', client_secret: 's' },
      'invalid_request',
    ],
    ['no content type', undefined, undefined, {}, 'invalid_request'],
    [
      'both methods',
      FORM,
      basic('c', 's'),
      { grant_type: 'client_credentials', client_secret: 's' },
      'invalid_request',
    ],
    ['no grant_type', FORM, basic('c', 's'), {}, 'invalid_request'],
    [
      'a repeated parameter',
      FORM,
      basic('c', 's'),
      { grant_type: ['client_credentials', 'x'] },
      'invalid_request',
    ],
    ['no credentials', FORM, undefined, { grant_type: 'client_credentials' }, 'invalid_client'],
    [
      'an id without a secret',
      FORM,
      undefined,
      { grant_type: 'client_credentials', client_id: 'c' },
      'invalid_client',
    ],
    [
      'an empty secret (omitted)',
      FORM,
      undefined,
      { grant_type: 'client_credentials', client_id: 'c', client_secret: '' },
      'invalid_client',
    ],
    ['another scheme', FORM, 'Bearer abc', { grant_type: 'client_credentials' }, 'invalid_client'],
    [
      'Basic without a colon',
      FORM,
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
      { grant_type: 'client_credentials' },
      'invalid_client',
    ],
    [
      'bad percent-encoding',
      FORM,
      `Basic ${Buffer.from('%E0%A4%A:s').toString('base64')}`,
      { grant_type: 'client_credentials' },
      'invalid_client',
    ],
    [
      'a malformed scope',
      FORM,
      basic('c', 's'),
      { grant_type: 'client_credentials', scope: 'a  b' },
      'invalid_scope',
    ],
  ])('refuses %s', (_name, contentType, authorization, body, code) => {
    expect(codeOf(() => parseTokenRequest(contentType, authorization, body))).toBe(code);
  });
});
