import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDataKey } from '../config';

export interface DataKeySource {
  NODE_ENV: 'development' | 'test' | 'production';
  AUTH_DATA_KEY?: string | undefined;
  AUTH_DATA_KEY_FILE?: string | undefined;
}

/**
 * The 32-byte key that seals TOTP secrets: `AUTH_DATA_KEY`, else the file `AUTH_DATA_KEY_FILE` (base64). Outside
 * production a missing file is created with a fresh key (mode 0600, like the signing keys); in production it is
 * an error. The key is never logged.
 */
export async function loadDataKey(source: DataKeySource): Promise<{ key: Buffer; generatedAt?: string }> {
  if (source.AUTH_DATA_KEY !== undefined) return { key: decode(source.AUTH_DATA_KEY, 'AUTH_DATA_KEY') };
  if (source.AUTH_DATA_KEY_FILE === undefined)
    throw new Error('AUTH_DATA_KEY or AUTH_DATA_KEY_FILE is required');
  const file = path.resolve(source.AUTH_DATA_KEY_FILE);
  const text = await readIfExists(file);
  if (text !== undefined) return { key: decode(text, `AUTH_DATA_KEY_FILE: ${file}`) };
  if (source.NODE_ENV === 'production') {
    throw new Error(
      `AUTH_DATA_KEY_FILE: ${file} does not exist (the data key is never generated in production)`,
    );
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    // `wx`: if another process created the file meanwhile, keep theirs rather than overwrite it.
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: decode(await readFile(file, 'utf8'), `AUTH_DATA_KEY_FILE: ${file}`) };
  }
  return { key, generatedAt: file };
}

function decode(text: string, where: string): Buffer {
  if (!isDataKey(text)) throw new Error(`${where}: expected the base64 encoding of 32 bytes (value hidden)`);
  return Buffer.from(text.trim(), 'base64');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
