import { buildServiceDataSource } from '@kasho/platform';
import { authSchema } from './database';
import { runCreateUser } from './users/create-user.command';

// node dist/create-user.js --email a@b.c --role admin --full-name "A B" --password-stdin < password.txt
// Creates a user (the first admin, say) in a migrated auth database and prints its id. No default password exists.
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runCreateUser(process.argv.slice(2), buildServiceDataSource('auth', authSchema), {
  readStdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
