import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKeySet, parseKeySet, serializeKeySet } from '@kasho/security';
import { loadSigningKeys, rotateSigningKeysFile } from './signing-keys.file';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'kasho-keys-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('loadSigningKeys', () => {
  it('generates an EdDSA keyset on a first local run and writes it readable by the owner only', async () => {
    const file = path.join(directory, 'nested', 'keys.json');
    const loaded = await loadSigningKeys({ NODE_ENV: 'development', AUTH_SIGNING_KEYS_FILE: file });
    expect(loaded.generatedAt).toBe(file);
    expect(loaded.keyset.current.alg).toBe('EdDSA');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const again = await loadSigningKeys({ NODE_ENV: 'development', AUTH_SIGNING_KEYS_FILE: file });
    expect(again.generatedAt).toBeUndefined();
    expect(again.keyset.current.kid).toBe(loaded.keyset.current.kid);
  });

  it('never generates keys in production', async () => {
    const file = path.join(directory, 'keys.json');
    await expect(loadSigningKeys({ NODE_ENV: 'production', AUTH_SIGNING_KEYS_FILE: file })).rejects.toThrow(
      /AUTH_SIGNING_KEYS_FILE.*does not exist/,
    );
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prefers the keyset given in AUTH_SIGNING_KEYS over the file', async () => {
    const keyset = await createKeySet();
    const loaded = await loadSigningKeys({
      NODE_ENV: 'production',
      AUTH_SIGNING_KEYS: serializeKeySet(keyset),
      AUTH_SIGNING_KEYS_FILE: path.join(directory, 'absent.json'),
    });
    expect(loaded.keyset.current.kid).toBe(keyset.current.kid);
  });

  it('names the file, not its content, when the file is not a keyset', async () => {
    const file = path.join(directory, 'keys.json');
    await writeFile(file, '{"d": "very-secret"');
    const failure = loadSigningKeys({ NODE_ENV: 'development', AUTH_SIGNING_KEYS_FILE: file });
    await expect(failure).rejects.toThrow(/AUTH_SIGNING_KEYS_FILE: .*keys\.json: keyset is not valid JSON/);
    await expect(failure).rejects.not.toThrow(/very-secret/);
  });
});

describe('rotateSigningKeysFile', () => {
  it('makes a new key current and keeps the old current as the one previous key', async () => {
    const file = path.join(directory, 'keys.json');
    const { keyset: first } = await loadSigningKeys({
      NODE_ENV: 'development',
      AUTH_SIGNING_KEYS_FILE: file,
    });

    const once = await rotateSigningKeysFile(file);
    const afterOnce = parseKeySet(await readFile(file, 'utf8'));
    expect(afterOnce.current.kid).toBe(once.kid);
    expect(once.kid).not.toBe(first.current.kid);
    expect(afterOnce.previous.map((key) => key.kid)).toEqual([first.current.kid]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const twice = await rotateSigningKeysFile(file);
    const afterTwice = parseKeySet(await readFile(file, 'utf8'));
    expect(afterTwice.current.kid).toBe(twice.kid);
    expect(afterTwice.previous.map((key) => key.kid)).toEqual([once.kid]);
  });

  it('refuses to rotate a file that does not exist', async () => {
    await expect(rotateSigningKeysFile(path.join(directory, 'absent.json'))).rejects.toThrow(
      /does not exist/,
    );
  });
});
