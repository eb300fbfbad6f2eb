import { calculateJwkThumbprint } from 'jose';
import {
  createKeySet,
  generateSigningKey,
  InvalidKeySetError,
  parseKeySet,
  publicJwks,
  rotateKeySet,
  serializeKeySet,
} from './signing-keys';

describe('signing keys', () => {
  it.each(['EdDSA', 'ES256'] as const)(
    'generates a %s key whose kid is its RFC 7638 thumbprint',
    async (alg) => {
      const key = await generateSigningKey(alg);
      expect(key.alg).toBe(alg);
      expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(typeof key.privateJwk.d).toBe('string');
      expect(key.publicJwk).not.toHaveProperty('d');
      expect(Date.parse(key.createdAt)).not.toBeNaN();
    },
  );

  it('takes an explicit kid but refuses one outside the strict pattern', async () => {
    expect((await generateSigningKey('EdDSA', 'key-2025_01')).kid).toBe('key-2025_01');
    await expect(generateSigningKey('EdDSA', '../../etc/passwd')).rejects.toBeInstanceOf(InvalidKeySetError);
  });

  it('rotates: the new key signs, the old current is kept as previous, the oldest is dropped', async () => {
    const first = await createKeySet('EdDSA');
    const second = await rotateKeySet(first);
    const third = await rotateKeySet(second);
    expect(second.previous.map((key) => key.kid)).toEqual([first.current.kid]);
    expect(third.previous.map((key) => key.kid)).toEqual([second.current.kid]);
    expect(publicJwks(third).keys.map((key) => key.kid)).toEqual([third.current.kid, second.current.kid]);
  });

  it('keeps a configurable number of keys and may switch algorithm', async () => {
    let keyset = await createKeySet('EdDSA');
    const kids = [keyset.current.kid];
    for (let i = 0; i < 4; i += 1) {
      keyset = await rotateKeySet(keyset, { maxKeys: 3, alg: 'ES256' });
      kids.unshift(keyset.current.kid);
    }
    expect(keyset.current.alg).toBe('ES256');
    expect([keyset.current, ...keyset.previous].map((key) => key.kid)).toEqual(kids.slice(0, 3));
    await expect(rotateKeySet(keyset, { maxKeys: 1 })).rejects.toThrow('maxKeys');
    await expect(rotateKeySet(keyset, { next: keyset.previous[0] })).rejects.toThrow('already');
  });

  it('serves only public members in the JWKS, never d', async () => {
    let keyset = await createKeySet('ES256');
    keyset = await rotateKeySet(keyset, { alg: 'EdDSA' });
    const jwks = publicJwks(keyset);
    const text = JSON.stringify(jwks);
    expect(text).not.toContain('"d"');
    expect(text).not.toContain(keyset.current.privateJwk.d);
    expect(text).not.toContain(keyset.previous[0].privateJwk.d);
    for (const key of jwks.keys) {
      const allowed =
        key.kty === 'EC'
          ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']
          : ['alg', 'crv', 'kid', 'kty', 'use', 'x'];
      expect(Object.keys(key).sort()).toEqual(allowed);
      expect(key.use).toBe('sig');
    }
    expect(jwks.keys.map((key) => [key.kty, key.crv, key.alg])).toEqual([
      ['OKP', 'Ed25519', 'EdDSA'],
      ['EC', 'P-256', 'ES256'],
    ]);
  });

  it('survives a round trip through a JSON string (env var / secret file)', async () => {
    const keyset = await rotateKeySet(await createKeySet('EdDSA'), { alg: 'ES256' });
    const copy = parseKeySet(serializeKeySet(keyset));
    expect(copy).toEqual(keyset);
    expect(publicJwks(copy)).toEqual(publicJwks(keyset));
  });

  it('refuses a broken keyset naming the problem without echoing key material', async () => {
    const keyset = await createKeySet('EdDSA');
    const good = JSON.parse(serializeKeySet(keyset)) as { current: Record<string, unknown> };
    const secret = keyset.current.privateJwk.d as string;
    const cases: [string, string][] = [
      ['not json', 'not valid JSON'],
      [JSON.stringify({ version: 2 }), 'version 1'],
      [JSON.stringify({ ...good, previous: 'x' }), 'previous must be an array'],
      [JSON.stringify({ ...good, current: { ...good.current, kid: "' OR 1=1 --" } }), 'current.kid'],
      [JSON.stringify({ ...good, current: { ...good.current, alg: 'HS256' } }), 'current.alg'],
      [JSON.stringify({ ...good, current: { ...good.current, alg: 'ES256' } }), 'does not match'],
      [
        JSON.stringify({ ...good, current: { ...good.current, privateJwk: keyset.current.publicJwk } }),
        'private JWK',
      ],
      [JSON.stringify({ ...good, previous: [good.current] }), 'kid twice'],
    ];
    for (const [text, message] of cases) {
      let caught: unknown;
      try {
        parseKeySet(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidKeySetError);
      expect((caught as Error).message).toContain(message);
      expect((caught as Error).message).not.toContain(secret);
    }
  });
});
