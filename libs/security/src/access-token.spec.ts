import { ErrorCode, httpStatusFor } from '@kasho/errors';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  AccessTokenError,
  createAccessTokenVerifier,
  type AccessTokenVerifier,
} from './access-token-verifier';
import { signAccessToken } from './access-token';
import { createKeySet, publicJwks, rotateKeySet, type KeySet } from './signing-keys';

const issuer = 'https://auth.kasho.test';
const audience = 'kasho-api';
const subject = {
  sub: 'user-1',
  sid: 'session-1',
  roles: ['customer'],
  scopes: ['payments:write', 'accounts:read'],
};

function verifierFor(keyset: () => KeySet, clock?: () => number): AccessTokenVerifier {
  return createAccessTokenVerifier({
    issuer,
    audience,
    algorithms: ['EdDSA', 'ES256'],
    jwks: () => Promise.resolve(publicJwks(keyset())),
    clock,
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<AccessTokenError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  const refused = error as AccessTokenError;
  expect(refused.code).toBe(ErrorCode.Unauthorized);
  expect(httpStatusFor(refused.code)).toBe(401);
  return refused;
}

describe('access tokens', () => {
  it.each(['EdDSA', 'ES256'] as const)('signs and verifies a %s token with every claim', async (alg) => {
    const keyset = await createKeySet(alg);
    const now = new Date('2030-01-01T00:00:00Z');
    const token = await signAccessToken(keyset, subject, { issuer, audience, now });

    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: keyset.current.kid, typ: 'at+jwt' });
    const raw = decodeJwt(token);
    const iat = now.getTime() / 1000;
    expect(raw).toEqual({
      iss: issuer,
      aud: audience,
      sub: 'user-1',
      sid: 'session-1',
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/) as unknown,
      iat,
      nbf: iat,
      exp: iat + 600,
      roles: ['customer'],
      scope: 'payments:write accounts:read',
    });

    const claims = await verifierFor(
      () => keyset,
      () => now.getTime() + 1000,
    ).verify(token);
    expect(claims).toEqual({ ...raw, scopes: subject.scopes, scope: undefined });
  });

  it('carries amr and client_id when given, and reads them back', async () => {
    const keyset = await createKeySet();
    const token = await signAccessToken(
      keyset,
      { ...subject, amr: ['pwd', 'otp', 'mfa'], clientId: 'partner-1' },
      { issuer, audience },
    );
    expect(decodeJwt(token)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], client_id: 'partner-1' });
    const claims = await verifierFor(() => keyset).verify(token);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.clientId).toBe('partner-1');
    const plain = await verifierFor(() => keyset).verify(
      await signAccessToken(keyset, subject, { issuer, audience }),
    );
    expect(plain.amr).toBeUndefined();
    expect(plain.clientId).toBeUndefined();
  });

  it('gives every token its own jti', async () => {
    const keyset = await createKeySet();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => signAccessToken(keyset, subject, { issuer, audience })),
    );
    expect(new Set(tokens.map((token) => decodeJwt(token).jti)).size).toBe(20);
  });

  it('refuses bad signing input', async () => {
    const keyset = await createKeySet();
    await expect(signAccessToken(keyset, { ...subject, sid: '' }, { issuer, audience })).rejects.toThrow(
      'sid',
    );
    await expect(
      signAccessToken(keyset, { ...subject, scopes: ['a b'] }, { issuer, audience }),
    ).rejects.toThrow('scope');
    await expect(signAccessToken(keyset, subject, { issuer, audience, ttlSeconds: 0 })).rejects.toThrow(
      'ttl',
    );
  });

  it('keeps verifying tokens of the previous key after a rotation, and refuses the oldest after a second', async () => {
    let keyset = await createKeySet('EdDSA');
    const verifier = verifierFor(() => keyset);
    const oldest = await signAccessToken(keyset, subject, { issuer, audience });
    await expect(verifier.verify(oldest)).resolves.toMatchObject({ sub: 'user-1' });

    keyset = await rotateKeySet(keyset, { alg: 'ES256' });
    const middle = await signAccessToken(keyset, subject, { issuer, audience });
    await expect(verifier.verify(oldest)).resolves.toMatchObject({ sub: 'user-1' });
    // A verifier started after the rotation (the refresh of a running one is tested in the verifier's spec).
    const fresh = verifierFor(() => keyset);
    await expect(fresh.verify(middle)).resolves.toMatchObject({ sub: 'user-1' });
    await expect(fresh.verify(oldest)).resolves.toMatchObject({ sub: 'user-1' });

    keyset = await rotateKeySet(keyset);
    const newest = await signAccessToken(keyset, subject, { issuer, audience });
    const afterSecond = verifierFor(() => keyset);
    await expect(afterSecond.verify(newest)).resolves.toMatchObject({ sub: 'user-1' });
    await expect(afterSecond.verify(middle)).resolves.toMatchObject({ sub: 'user-1' });
    expect((await rejectionOf(afterSecond.verify(oldest))).reason).toBe('unknown_kid');
  });

  it('drops a rotated-out key from a long-lived verifier once the JWKS cache expires', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    let keyset = await createKeySet();
    const verifier = createAccessTokenVerifier({
      issuer,
      audience,
      jwks: () => Promise.resolve(publicJwks(keyset)),
      cacheMaxAgeMs: 60_000,
      clock: () => now,
    });
    const oldest = await signAccessToken(keyset, subject, {
      issuer,
      audience,
      ttlSeconds: 3600,
      now: new Date(now),
    });
    await verifier.verify(oldest);
    keyset = await rotateKeySet(await rotateKeySet(keyset));
    await expect(verifier.verify(oldest)).resolves.toMatchObject({ sub: 'user-1' });
    now += 60_000;
    expect((await rejectionOf(verifier.verify(oldest))).reason).toBe('unknown_kid');
  });
});
