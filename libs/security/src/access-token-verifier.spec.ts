import { ErrorCode, httpStatusFor, toProblemDetails } from '@kasho/errors';
import { createPublicKey } from 'node:crypto';
import { hmacToken, signedToken, unsigned } from '../test/token-forgery';
import {
  AccessTokenError,
  createAccessTokenVerifier,
  type AccessTokenRejection,
  type AccessTokenVerifier,
} from './access-token-verifier';
import { signAccessToken } from './access-token';
import { createKeySet, generateSigningKey, publicJwks, type KeySet, type SigningKey } from './signing-keys';

const issuer = 'https://auth.kasho.test';
const audience = 'kasho-api';
const subject = { sub: 'user-1', sid: 'session-1', roles: ['customer'], scopes: ['payments:write'] };
const NOW = Date.parse('2030-01-01T00:00:00Z');
const iat = NOW / 1000;

interface Harness {
  keyset: KeySet;
  verifier: AccessTokenVerifier;
  jwksCalls: () => number;
  advance: (ms: number) => void;
}

async function harness(
  options: { alg?: 'EdDSA' | 'ES256'; jwks?: (keyset: KeySet) => Promise<unknown> } = {},
): Promise<Harness> {
  const keyset = await createKeySet(options.alg ?? 'EdDSA');
  let now = NOW;
  let calls = 0;
  const verifier = createAccessTokenVerifier({
    issuer,
    audience,
    algorithms: ['EdDSA', 'ES256'],
    jwks: () => {
      calls += 1;
      return options.jwks ? options.jwks(keyset) : Promise.resolve(publicJwks(keyset));
    },
    clock: () => now,
  });
  return {
    keyset,
    verifier,
    jwksCalls: () => calls,
    advance: (ms) => {
      now += ms;
    },
  };
}

function header(key: SigningKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...extra };
}

function payload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: issuer,
    aud: audience,
    sub: 'user-1',
    sid: 'session-1',
    jti: 'bLRrYlRJ2m4nEhKx1Q3yZw',
    iat,
    nbf: iat,
    exp: iat + 600,
    roles: ['customer'],
    scope: 'payments:write',
    ...extra,
  };
}

function without(record: Record<string, unknown>, name: string): Record<string, unknown> {
  const copy = { ...record };
  delete copy[name];
  return copy;
}

async function reasonOf(promise: Promise<unknown>): Promise<AccessTokenRejection> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  const refused = error as AccessTokenError;
  expect(refused.code).toBe(ErrorCode.Unauthorized);
  expect(httpStatusFor(refused.code)).toBe(401);
  // What the client sees is the same whatever the reason: it names no check.
  expect(toProblemDetails(refused)).toEqual({
    type: 'https://docs.kasho.dev/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
    detail: 'The access token is missing, invalid or expired.',
    code: 'unauthorized',
  });
  expect(refused.toJSON()).toEqual({
    code: 'unauthorized',
    detail: 'The access token is missing, invalid or expired.',
  });
  return refused.reason;
}

describe('access token verifier', () => {
  let fetchSpy: jest.SpyInstance;

  beforeEach(() => {
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
  });

  afterEach(() => {
    // A token may name a URL; the verifier must never follow it.
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('accepts a well-formed hand-built token (the forging helper itself is sound)', async () => {
    const { keyset, verifier } = await harness({ alg: 'ES256' });
    const token = signedToken(header(keyset.current), payload(), keyset.current.privateJwk);
    await expect(verifier.verify(token)).resolves.toMatchObject({
      sub: 'user-1',
      scopes: ['payments:write'],
    });
    const ed = await harness({ alg: 'EdDSA' });
    const edToken = signedToken(header(ed.keyset.current), payload(), ed.keyset.current.privateJwk);
    await expect(ed.verifier.verify(edToken)).resolves.toMatchObject({ sid: 'session-1' });
  });

  describe('refuses forged and broken tokens with 401 unauthorized', () => {
    let h: Harness;
    let key: SigningKey;
    const sign = (head: Record<string, unknown>, body: Record<string, unknown> = payload()): string =>
      signedToken(head, body, key.privateJwk);

    beforeAll(async () => {
      h = await harness();
      key = h.keyset.current;
    });

    it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s, with or without a signature', async (alg) => {
      const body = unsigned(header(key, { alg }), payload());
      expect(await reasonOf(h.verifier.verify(`${body}.`))).toBe('malformed');
      expect(await reasonOf(h.verifier.verify(`${body}.c2lnbmF0dXJl`))).toBe('alg_not_allowed');
      expect(await reasonOf(h.verifier.verify(sign(header(key, { alg }))))).toBe('alg_not_allowed');
    });

    it.each(['HS256', 'HS512', 'RS256', 'ES384', 'PS256', 'eddsa', 'es256', ''])('alg %p', async (alg) => {
      expect(await reasonOf(h.verifier.verify(sign(header(key, { alg }))))).toBe('alg_not_allowed');
    });

    it('HS256 signed with the public key bytes (JWK, PEM, raw x)', async () => {
      const jwk = key.publicJwk;
      const pem = createPublicKey({ key: { ...jwk }, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      for (const secret of [JSON.stringify(jwk), JSON.stringify(publicJwks(h.keyset)), pem, jwk.x]) {
        const token = hmacToken(header(key, { alg: 'HS256' }), payload(), secret);
        expect(await reasonOf(h.verifier.verify(token))).toBe('alg_not_allowed');
      }
    });

    it('a token claiming EdDSA under an ES256 kid', async () => {
      const es = await generateSigningKey('ES256');
      const jwks = { keys: [es.publicJwk] };
      const verifier = createAccessTokenVerifier({ issuer, audience, jwks: () => Promise.resolve(jwks) });
      const forged = signedToken({ ...header(es), alg: 'EdDSA' }, payload(), key.privateJwk);
      expect(await reasonOf(verifier.verify(forged))).toBe('alg_mismatch');
    });

    it('a foreign key, under its own kid or under a known kid', async () => {
      const foreign = await generateSigningKey('EdDSA');
      expect(
        await reasonOf(h.verifier.verify(signedToken(header(foreign), payload(), foreign.privateJwk))),
      ).toBe('unknown_kid');
      expect(await reasonOf(h.verifier.verify(signedToken(header(key), payload(), foreign.privateJwk)))).toBe(
        'bad_signature',
      );
    });

    it('a tampered payload', async () => {
      const [head, , signature] = sign(header(key)).split('.');
      const tampered = `${head}.${unsigned({}, payload({ roles: ['admin'] })).split('.')[1]}.${signature}`;
      expect(await reasonOf(h.verifier.verify(tampered))).toBe('bad_signature');
    });

    it.each([
      ['../../etc/passwd'],
      ["' OR 1=1 --"],
      ['kid; DROP TABLE keys'],
      [''],
      ['a'.repeat(65)],
      ['%2e%2e%2f'],
      ['key\u0000'],
      [42],
      [null],
    ])('kid %p, refused before any key lookup', async (kid) => {
      const fresh = await harness();
      const token = sign(header(key, { kid }));
      expect(await reasonOf(fresh.verifier.verify(token))).toBe('invalid_kid');
      expect(fresh.jwksCalls()).toBe(0);
    });

    it('a missing kid', async () => {
      expect(await reasonOf(h.verifier.verify(sign(without(header(key), 'kid'))))).toBe('invalid_kid');
    });

    it.each([
      ['jku', 'https://evil.example/jwks.json'],
      ['x5u', 'https://evil.example/cert.pem'],
      ['x5c', ['MIIB']],
      ['x5t', 'abc'],
      ['crit', ['exp']],
      ['b64', false],
    ])('a %s header', async (name, value) => {
      const fresh = await harness();
      expect(await reasonOf(fresh.verifier.verify(sign(header(key, { [name]: value }))))).toBe(
        'forbidden_header',
      );
      expect(fresh.jwksCalls()).toBe(0);
    });

    it("an embedded jwk header naming the attacker's own key", async () => {
      const attacker = await generateSigningKey('EdDSA');
      const token = signedToken(
        header(attacker, { jwk: attacker.publicJwk }),
        payload(),
        attacker.privateJwk,
      );
      expect(await reasonOf(h.verifier.verify(token))).toBe('forbidden_header');
    });

    it('any other unexpected header', async () => {
      expect(await reasonOf(h.verifier.verify(sign(header(key, { cty: 'JWT' }))))).toBe('unexpected_header');
    });

    it.each([['JWT'], ['jwt'], ['at+JWT+extra'], ['id_token'], [''], [1]])('typ %p', async (typ) => {
      expect(await reasonOf(h.verifier.verify(sign(header(key, { typ }))))).toBe('invalid_typ');
    });

    it('a missing typ', async () => {
      expect(await reasonOf(h.verifier.verify(sign(without(header(key), 'typ'))))).toBe('invalid_typ');
    });

    it('accepts typ in its media-type spelling', async () => {
      await expect(
        h.verifier.verify(sign(header(key, { typ: 'application/AT+JWT' }))),
      ).resolves.toBeDefined();
    });

    it.each(['exp', 'nbf', 'iat', 'iss', 'aud', 'sub', 'sid', 'jti'])('a missing %s', async (claim) => {
      expect(await reasonOf(h.verifier.verify(sign(header(key), without(payload(), claim))))).toBe(
        'missing_claim',
      );
    });

    it.each([
      ['an empty sub', { sub: '' }, 'missing_claim'],
      ['an empty sid', { sid: '' }, 'missing_claim'],
      ['a numeric sid', { sid: 7 }, 'missing_claim'],
      ['roles that are not strings', { roles: 'admin' }, 'invalid_claim'],
      ['a scope that is not a string', { scope: ['payments:write'] }, 'invalid_claim'],
      ['an exp that is a string', { exp: String(iat + 600) }, 'invalid_claim'],
    ])('%s', async (_name, extra, reason) => {
      expect(await reasonOf(h.verifier.verify(sign(header(key), payload(extra))))).toBe(reason);
    });

    it('an expired token (beyond the 5 s tolerance) but not one just inside it', async () => {
      const expired = sign(header(key), payload({ iat: iat - 700, nbf: iat - 700, exp: iat - 6 }));
      expect(await reasonOf(h.verifier.verify(expired))).toBe('expired');
      const justInside = sign(header(key), payload({ iat: iat - 700, nbf: iat - 700, exp: iat - 4 }));
      await expect(h.verifier.verify(justInside)).resolves.toBeDefined();
    });

    it('a token not valid yet, or issued in the future', async () => {
      expect(await reasonOf(h.verifier.verify(sign(header(key), payload({ nbf: iat + 60 }))))).toBe(
        'not_yet_valid',
      );
      expect(await reasonOf(h.verifier.verify(sign(header(key), payload({ iat: iat + 60 }))))).toBe(
        'issued_in_future',
      );
    });

    it('a wrong issuer or audience', async () => {
      expect(
        await reasonOf(h.verifier.verify(sign(header(key), payload({ iss: 'https://evil.example' })))),
      ).toBe('invalid_issuer');
      expect(await reasonOf(h.verifier.verify(sign(header(key), payload({ aud: 'other-api' }))))).toBe(
        'invalid_audience',
      );
      expect(await reasonOf(h.verifier.verify(sign(header(key), payload({ aud: [] }))))).toBe(
        'invalid_audience',
      );
    });

    it.each([
      ['empty', ''],
      ['two parts', 'a.b'],
      ['five parts (JWE)', 'a.b.c.d.e'],
      ['padding', 'eyJhbGciOiJFZERTQSJ9=.e30.c2ln'],
      ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
      ['a header that is an array', `${Buffer.from('[]').toString('base64url')}.e30.c2ln`],
      ['whitespace', ' eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
      ['far too long', `${'a'.repeat(9000)}.e30.c2ln`],
    ])('malformed compact serialization: %s', async (_name, token) => {
      expect(await reasonOf(h.verifier.verify(token))).toBe('malformed');
    });

    it.each([['not json'], ['[]'], ['"a string"']])(
      'a validly signed payload %p that is not a JSON object',
      async (body) => {
        expect(await reasonOf(h.verifier.verify(signedToken(header(key), body, key.privateJwk)))).toBe(
          'malformed',
        );
      },
    );

    it('a non-string token', async () => {
      expect(await reasonOf(h.verifier.verify(undefined as unknown as string))).toBe('malformed');
    });
  });

  describe('JWKS cache and refresh', () => {
    it('loads the JWKS once and serves verifications from the cache', async () => {
      const h = await harness();
      const token = await signAccessToken(h.keyset, subject, { issuer, audience, now: new Date(NOW) });
      await Promise.all(Array.from({ length: 10 }, () => h.verifier.verify(token)));
      await h.verifier.verify(token);
      expect(h.jwksCalls()).toBe(1);
    });

    it('learns a new key after one refresh when an unknown kid arrives', async () => {
      let keyset = await createKeySet();
      let calls = 0;
      let now = NOW;
      const verifier = createAccessTokenVerifier({
        issuer,
        audience,
        jwks: () => {
          calls += 1;
          return Promise.resolve(publicJwks(keyset));
        },
        clock: () => now,
      });
      await verifier.verify(await signAccessToken(keyset, subject, { issuer, audience, now: new Date(now) }));
      expect(calls).toBe(1);

      const next = await generateSigningKey('ES256');
      keyset = { current: next, previous: [keyset.current] };
      now += 30_000;
      const token = await signAccessToken(keyset, subject, { issuer, audience, now: new Date(now) });
      await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
      expect(calls).toBe(2);
      await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
      expect(calls).toBe(2);
    });

    it('refreshes at most once per interval under a flood of unknown kids, sharing one fetch', async () => {
      const h = await harness();
      await h.verifier.verify(
        await signAccessToken(h.keyset, subject, { issuer, audience, now: new Date(NOW) }),
      );
      expect(h.jwksCalls()).toBe(1);

      const foreign = await Promise.all(Array.from({ length: 50 }, () => generateSigningKey('EdDSA')));
      const flood = (): Promise<AccessTokenRejection[]> =>
        Promise.all(
          foreign.map((key) =>
            reasonOf(h.verifier.verify(signedToken(header(key), payload(), key.privateJwk))),
          ),
        );

      // Within the interval of the initial load: no refresh at all.
      expect(new Set(await flood())).toEqual(new Set(['unknown_kid']));
      expect(h.jwksCalls()).toBe(1);

      // After the interval: fifty concurrent unknown kids share exactly one refresh.
      h.advance(30_000);
      expect(new Set(await flood())).toEqual(new Set(['unknown_kid']));
      expect(h.jwksCalls()).toBe(2);

      h.advance(29_999);
      await flood();
      expect(h.jwksCalls()).toBe(2);
      h.advance(1);
      await flood();
      expect(h.jwksCalls()).toBe(3);
    });

    it('answers 503 (retryable) when no JWKS could ever be loaded, and does not hammer the source', async () => {
      const h = await harness({ jwks: () => Promise.reject(new Error('auth service down')) });
      const token = await signAccessToken(h.keyset, subject, { issuer, audience, now: new Date(NOW) });
      for (let i = 0; i < 5; i += 1) {
        await expect(h.verifier.verify(token)).rejects.toMatchObject({
          code: ErrorCode.ServiceUnavailable,
          retryable: true,
        });
      }
      expect(h.jwksCalls()).toBe(1);
    });

    it('keeps the cached keys when a refresh fails', async () => {
      let fail = false;
      const h = await harness({
        jwks: (keyset) => (fail ? Promise.reject(new Error('down')) : Promise.resolve(publicJwks(keyset))),
      });
      const token = await signAccessToken(h.keyset, subject, { issuer, audience, now: new Date(NOW) });
      await h.verifier.verify(token);
      fail = true;
      h.advance(30_000);
      const foreign = await generateSigningKey('EdDSA');
      expect(
        await reasonOf(h.verifier.verify(signedToken(header(foreign), payload(), foreign.privateJwk))),
      ).toBe('unknown_kid');
      expect(h.jwksCalls()).toBe(2);
      await expect(h.verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    });

    it('ignores private members, foreign algorithms and ambiguous kids in the JWKS', async () => {
      const good = await generateSigningKey('EdDSA');
      const twin = await generateSigningKey('EdDSA', 'twin');
      const twin2 = await generateSigningKey('ES256', 'twin');
      const jwks = {
        keys: [
          { ...good.privateJwk, kid: good.kid },
          twin.publicJwk,
          twin2.publicJwk,
          { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' },
          { ...good.publicJwk, kid: 'enc', use: 'enc' },
          { ...good.publicJwk, kid: 'wrong-alg', alg: 'ES256' },
        ],
      };
      const verifier = createAccessTokenVerifier({
        issuer,
        audience,
        jwks: () => Promise.resolve(jwks),
        clock: () => NOW,
      });
      await expect(
        verifier.verify(signedToken(header(good), payload(), good.privateJwk)),
      ).resolves.toBeDefined();
      expect(await reasonOf(verifier.verify(signedToken(header(twin), payload(), twin.privateJwk)))).toBe(
        'unknown_kid',
      );
      const hmac = hmacToken({ alg: 'HS256', kid: 'hmac', typ: 'at+jwt' }, payload(), 'secret');
      expect(await reasonOf(verifier.verify(hmac))).toBe('alg_not_allowed');
      for (const kid of ['enc', 'wrong-alg']) {
        expect(
          await reasonOf(verifier.verify(signedToken(header(good, { kid }), payload(), good.privateJwk))),
        ).toBe('unknown_kid');
      }
    });

    it('honours a narrower algorithm allow-list and refuses an unsafe one', async () => {
      const es = await createKeySet('ES256');
      const ed = await createKeySet('EdDSA');
      const verifier = createAccessTokenVerifier({
        issuer,
        audience,
        algorithms: ['ES256'],
        jwks: () => Promise.resolve({ keys: [...publicJwks(es).keys, ...publicJwks(ed).keys] }),
      });
      await expect(
        verifier.verify(await signAccessToken(es, subject, { issuer, audience })),
      ).resolves.toBeDefined();
      expect(await reasonOf(verifier.verify(await signAccessToken(ed, subject, { issuer, audience })))).toBe(
        'alg_not_allowed',
      );
      expect(() =>
        createAccessTokenVerifier({
          issuer,
          audience,
          algorithms: ['HS256' as 'ES256'],
          jwks: () => Promise.resolve({ keys: [] }),
        }),
      ).toThrow('algorithms');
    });
  });
});

describe('verified-token cache', () => {
  it('still refuses a remembered token once it expires', async () => {
    const h = await harness();
    const token = await signAccessToken(h.keyset, subject, { issuer, audience, now: new Date(NOW) });
    expect((await h.verifier.verify(token)).sub).toBe('user-1');
    h.advance(60_000);
    expect((await h.verifier.verify(token)).sub).toBe('user-1');
    h.advance(600_000);
    const refused = await h.verifier.verify(token).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AccessTokenError);
    expect((refused as AccessTokenError).reason).toBe('expired');
  });

  it('forgets tokens whose key left the JWKS, and hands out copies', async () => {
    const served: { keyset?: KeySet } = {};
    const h = await harness({ jwks: (keyset) => Promise.resolve(publicJwks(served.keyset ?? keyset)) });
    const token = await signAccessToken(h.keyset, subject, { issuer, audience, now: new Date(NOW) });
    const first = await h.verifier.verify(token);
    first.roles.push('admin');
    expect((await h.verifier.verify(token)).roles).toEqual(['customer']);

    // The key is withdrawn (compromised): a token with the new key's kid reloads the JWKS, and from then on the
    // remembered token must not pass.
    served.keyset = await createKeySet('EdDSA');
    h.advance(60_000);
    const fresh = await signAccessToken(served.keyset, subject, {
      issuer,
      audience,
      now: new Date(NOW + 60_000),
    });
    expect((await h.verifier.verify(fresh)).sub).toBe('user-1');
    const refused = await h.verifier.verify(token).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AccessTokenError);
    expect((refused as AccessTokenError).reason).toBe('unknown_kid');
  });
});
