import { encodePhc, needsRehash, parsePhc, PasswordHasher } from './password-hasher';

describe('argon2id PHC strings', () => {
  it('encodes and parses back the same parts, unpadded base64', () => {
    const parts = {
      memory: 19456,
      passes: 2,
      parallelism: 1,
      salt: Buffer.alloc(16, 7),
      hash: Buffer.alloc(32, 9),
    };
    const text = encodePhc(parts);
    expect(text).toBe(`$argon2id$v=19$m=19456,t=2,p=1$${'BwcH'.repeat(5)}Bw$${'CQkJ'.repeat(10)}CQk`);
    expect(parsePhc(text)).toEqual(parts);
  });

  it('refuses other algorithms, versions and absurd parameters', () => {
    expect(parsePhc('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA')).toBeNull();
    expect(parsePhc('$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA')).toBeNull();
    expect(parsePhc('$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA')).toBeNull();
    expect(parsePhc('bcrypt')).toBeNull();
  });

  it('asks for a re-hash below the current parameters only', () => {
    const salt = Buffer.alloc(16, 1);
    const hash = Buffer.alloc(32, 2);
    expect(needsRehash(encodePhc({ memory: 19456, passes: 2, parallelism: 1, salt, hash }))).toBe(false);
    expect(needsRehash(encodePhc({ memory: 4096, passes: 2, parallelism: 1, salt, hash }))).toBe(true);
    expect(needsRehash(encodePhc({ memory: 19456, passes: 1, parallelism: 1, salt, hash }))).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('verifies the right password only, and a weaker hash still verifies', async () => {
    const hasher = new PasswordHasher();
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapl', stored)).resolves.toBe(false);
    const weak = await new PasswordHasher({ memory: 1024, passes: 1, parallelism: 1 }).hash('pw');
    await expect(hasher.verify('pw', weak)).resolves.toBe(true);
    expect(hasher.needsRehash(weak)).toBe(true);
    await expect(hasher.verifyDummy('anything')).resolves.toBe(false);
  });
});
