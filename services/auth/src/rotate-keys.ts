import { commonEnv, loadConfigOrExit } from '@kasho/config';
import { z } from 'zod';
import { authKeysEnv } from './config';
import { rotateSigningKeysFile } from './keys';

// node dist/rotate-keys.js: makes a new signing key current in AUTH_SIGNING_KEYS_FILE, keeps the old one as
// previous (tokens it signed verify until they expire), and prints the new kid. Restart the auth service after.
const config = loadConfigOrExit(z.object({ NODE_ENV: commonEnv.shape.NODE_ENV, ...authKeysEnv.shape }));

async function main(): Promise<number> {
  if (config.AUTH_SIGNING_KEYS !== undefined) {
    process.stderr.write('AUTH_SIGNING_KEYS is set: rotate the keyset where that secret is stored\n');
    return 1;
  }
  if (config.AUTH_SIGNING_KEYS_FILE === undefined) {
    process.stderr.write('AUTH_SIGNING_KEYS_FILE is required\n');
    return 1;
  }
  const { kid } = await rotateSigningKeysFile(config.AUTH_SIGNING_KEYS_FILE);
  process.stdout.write(`${kid}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
