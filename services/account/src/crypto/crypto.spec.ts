import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { open, seal } from './aes-gcm';
import { BlindIndex, nameWords, normalizePhone } from './blind-index';
import { LocalKeyProvider } from './key-provider';

describe('AES-256-GCM boxes', () => {
  const key = randomBytes(32);

  it('open what they seal, for the same context only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.string(), (bytes, context) => {
        const plaintext = Buffer.from(bytes);
        const box = seal(key, plaintext, context);
        expect(open(key, box, context)).toEqual(plaintext);
        expect(() => open(key, box, `${context}x`)).toThrow();
      }),
    );
  });

  it('refuse a box that was altered or sealed under another key', () => {
    const box = seal(key, Buffer.from('Ana Silva'), 'c1:profile');
    for (let index = 1; index < box.length; index += 7) {
      const altered = Buffer.from(box);
      altered[index] ^= 0x01;
      expect(() => open(key, altered, 'c1:profile')).toThrow();
    }
    expect(() => open(randomBytes(32), box, 'c1:profile')).toThrow();
  });

  it('never seal the same value to the same bytes (random IV)', () => {
    expect(seal(key, Buffer.from('x'), 'c')).not.toEqual(seal(key, Buffer.from('x'), 'c'));
  });
});

describe('LocalKeyProvider', () => {
  it('unwraps what it wrapped, for the same customer and master key only', async () => {
    const provider = new LocalKeyProvider(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = await provider.wrap(dataKey, 'customer-1');
    expect(await provider.unwrap(wrapped, provider.keyId, 'customer-1')).toEqual(dataKey);
    await expect(provider.unwrap(wrapped, provider.keyId, 'customer-2')).rejects.toThrow();
    const other = new LocalKeyProvider(randomBytes(32));
    expect(other.keyId).not.toBe(provider.keyId);
    await expect(other.unwrap(wrapped, provider.keyId, 'customer-1')).rejects.toThrow(/another master key/);
  });
});

describe('BlindIndex', () => {
  const index = new BlindIndex(randomBytes(32));

  it('matches an email whatever its case and surrounding spaces, and nothing else', () => {
    expect(index.email(' Ana.Silva@Example.COM ')).toEqual(index.email('ana.silva@example.com'));
    expect(index.email('ana.silva@example.com')).not.toEqual(index.email('ana.silva@example.org'));
  });

  it('keys every hash: another key gives other hashes, and kinds never collide', () => {
    const other = new BlindIndex(randomBytes(32));
    expect(other.email('a@b.c')).not.toEqual(index.email('a@b.c'));
    expect(index.phone('+33612345678')).not.toEqual(index.email('+33612345678'));
  });

  it('normalises phones to E.164 and refuses what is not one', () => {
    expect(normalizePhone('+33 6 12-34.56 (78)')).toBe('+33612345678');
    expect(normalizePhone('0612345678')).toBeNull();
    expect(normalizePhone('+0123456789')).toBeNull();
    expect(index.phone('+33 612 345 678')).toEqual(index.phone('+33612345678'));
  });

  it('hashes the words of a name without accents or case, as short hex tokens', () => {
    expect(nameWords('Ofélia  QUARESMA-Tavares')).toEqual(['ofelia', 'quaresma', 'tavares']);
    const tokens = index.nameTokens('Ofélia Quaresma Tavares');
    expect(tokens).toHaveLength(3);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{16}$/);
    expect(index.nameTokens('ofelia')).toEqual([tokens[0]]);
  });
});
