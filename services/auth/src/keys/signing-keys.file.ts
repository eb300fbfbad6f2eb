import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createKeySet, parseKeySet, rotateKeySet, serializeKeySet, type KeySet } from '@kasho/security';

export interface SigningKeysSource {
  NODE_ENV: 'development' | 'test' | 'production';
  AUTH_SIGNING_KEYS?: string | undefined;
  AUTH_SIGNING_KEYS_FILE?: string | undefined;
}

export interface LoadedKeySet {
  keyset: KeySet;
  /** Set when this call generated the keyset and wrote it here (a first local run). */
  generatedAt?: string;
}

/**
 * The auth service's signing keyset: from `AUTH_SIGNING_KEYS`, else from `AUTH_SIGNING_KEYS_FILE`. Outside
 * production a missing file is created with a fresh EdDSA keyset (mode 0600); in production it is an error, so a
 * deployment never signs with a key nobody provisioned.
 */
export async function loadSigningKeys(source: SigningKeysSource): Promise<LoadedKeySet> {
  if (source.AUTH_SIGNING_KEYS !== undefined) return { keyset: parseKeySet(source.AUTH_SIGNING_KEYS) };
  if (source.AUTH_SIGNING_KEYS_FILE === undefined) {
    throw new Error('AUTH_SIGNING_KEYS or AUTH_SIGNING_KEYS_FILE is required');
  }
  const file = path.resolve(source.AUTH_SIGNING_KEYS_FILE);
  const text = await readIfExists(file);
  if (text !== undefined) return { keyset: parseKeySetFile(text, file) };
  if (source.NODE_ENV === 'production') {
    throw new Error(
      `AUTH_SIGNING_KEYS_FILE: ${file} does not exist (keys are never generated in production)`,
    );
  }
  const keyset = await createKeySet('EdDSA');
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // `wx`: if another process created the file meanwhile, keep theirs rather than overwrite it.
    await writeFile(file, serializeKeySet(keyset), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { keyset: parseKeySetFile(await readFile(file, 'utf8'), file) };
  }
  return { keyset, generatedAt: file };
}

/** Makes a new key current in the keyset file, keeping the old current as previous; returns the new kid. */
export async function rotateSigningKeysFile(file: string): Promise<{ kid: string; keyset: KeySet }> {
  const absolute = path.resolve(file);
  const text = await readIfExists(absolute);
  if (text === undefined) throw new Error(`AUTH_SIGNING_KEYS_FILE: ${absolute} does not exist`);
  const keyset = await rotateKeySet(parseKeySetFile(text, absolute));
  // Write beside it and rename, so a reader never sees half a keyset.
  const temporary = `${absolute}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, serializeKeySet(keyset), { mode: 0o600, flag: 'wx' });
    await rename(temporary, absolute);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { kid: keyset.current.kid, keyset };
}

function parseKeySetFile(text: string, file: string): KeySet {
  try {
    return parseKeySet(text);
  } catch (error) {
    throw new Error(`AUTH_SIGNING_KEYS_FILE: ${file}: ${(error as Error).message}`);
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
