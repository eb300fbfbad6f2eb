import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isKey } from '../config';

/**
 * A 32-byte key: `value` (base64) if given, else the file (base64). Outside production a missing file is created
 * with a fresh key (mode 0600), as the auth service does for its data key; in production it is an error. The key
 * is never logged.
 */
export async function loadKey(input: {
  name: string;
  value: string | undefined;
  file: string | undefined;
  nodeEnv: 'development' | 'test' | 'production';
}): Promise<{ key: Buffer; generatedAt?: string }> {
  const { name } = input;
  if (input.value !== undefined) return { key: decode(input.value, name) };
  if (input.file === undefined) throw new Error(`${name} or ${name}_FILE is required`);
  const file = path.resolve(input.file);
  const text = await readIfExists(file);
  if (text !== undefined) return { key: decode(text, `${name}_FILE: ${file}`) };
  if (input.nodeEnv === 'production')
    throw new Error(`${name}_FILE: ${file} does not exist (keys are never generated in production)`);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    // `wx`: if another process created the file meanwhile, keep theirs rather than overwrite it.
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: decode(await readFile(file, 'utf8'), `${name}_FILE: ${file}`) };
  }
  return { key, generatedAt: file };
}

function decode(text: string, where: string): Buffer {
  if (!isKey(text)) throw new Error(`${where}: expected the base64 encoding of 32 bytes (value hidden)`);
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
