import { isIdentityHeader, stripIdentityHeaders } from './identity-headers';

describe('identity headers', () => {
  it.each([
    'x-user-id',
    'x-user-roles',
    'x-user',
    'x-client-id',
    'x-authenticated-userid',
    'x-authenticated-scope',
    'x-forwarded-user',
    'x-forwarded-email',
    'x-remote-user',
    'remote-user',
    'x-roles',
    'x-scopes',
    'x-consumer-id',
    'x-auth-request-user',
    'x-amzn-oidc-identity',
    'x-ms-client-principal-id',
    'x-kasho-user',
  ])('drops %s', (name) => {
    expect(isIdentityHeader(name)).toBe(true);
  });

  it.each([
    'authorization',
    'x-request-id',
    'x-forwarded-for',
    'x-forwarded-proto',
    'user-agent',
    'idempotency-key',
    'content-type',
    'traceparent',
    'x-requested-with',
    'x-username',
  ])('keeps %s', (name) => {
    expect(isIdentityHeader(name)).toBe(false);
  });

  it('strips in place and keeps the rest', () => {
    const headers: Record<string, unknown> = {
      'x-user-id': 'admin',
      authorization: 'Bearer t',
      'x-request-id': 'r1',
    };
    stripIdentityHeaders(headers);
    expect(headers).toEqual({ authorization: 'Bearer t', 'x-request-id': 'r1' });
  });
});
