import { parseArgs } from 'node:util';
import { AuditLog } from '@kasho/audit';
import { pendingMigrations, withTransaction } from '@kasho/database';
import { uuidv7 } from '@kasho/messaging';
import { isRole, ROLES } from '@kasho/security';
import { type DataSource } from 'typeorm';
import { PasswordHasher } from '../identity-core/password-hasher';
import { checkPassword } from '../passwords/password-policy';
import { isEmailShaped, normaliseEmail } from './email-address';
import { UsersRepository } from './users.repository';

export const CREATE_USER_USAGE = [
  'usage: create-user --email <address> --role <customer|support|compliance|admin> --full-name <name>',
  '                   (--password-stdin | --password <password>)',
  '  --password-stdin reads the password from standard input (keeps it out of shell history and `ps`)',
  '  Needs a migrated database (node dist/migrate.js up). Prints the new user id.',
].join('\n');

export interface CreateUserIo {
  readStdin(): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

/** Exit status: 0 created, 1 refused or failed, 2 bad usage. */
export async function runCreateUser(
  argv: string[],
  dataSource: DataSource,
  io: CreateUserIo,
): Promise<0 | 1 | 2> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        'full-name': { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${CREATE_USER_USAGE}`);
    return 2;
  }
  const email = normaliseEmail(String(values.email ?? ''));
  const role = String(values.role ?? '');
  const fullName = String(values['full-name'] ?? '').trim();
  const fromStdin = values['password-stdin'] === true;
  if (!isEmailShaped(email) || !isRole(role) || fullName.length === 0 || fullName.length > 200) {
    io.err(`--email, --role (one of ${ROLES.join(', ')}) and --full-name are required\n${CREATE_USER_USAGE}`);
    return 2;
  }
  if (fromStdin === (values.password !== undefined)) {
    io.err(`give exactly one of --password-stdin and --password\n${CREATE_USER_USAGE}`);
    return 2;
  }
  // One trailing newline is what `echo` or a here-string adds; anything else is part of the password.
  const raw = fromStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : String(values.password);
  const check = checkPassword(raw, { email });
  if (!check.ok) {
    io.err(`password refused: ${check.rejections.map((rejection) => rejection.message).join(' ')}`);
    return 1;
  }
  await dataSource.initialize();
  try {
    const pending = await pendingMigrations(dataSource);
    if (pending.length > 0) {
      io.err('the auth database is not migrated: run `node dist/migrate.js up` first');
      return 1;
    }
    const passwordHash = await new PasswordHasher().hash(check.password);
    const users = new UsersRepository();
    const audit = new AuditLog();
    const userId = uuidv7();
    const now = new Date();
    const created = await withTransaction(dataSource, async (manager) => {
      // Created by an operator: the email counts as verified; MFA stays off until the user turns it on.
      const inserted = await users.insert(manager, {
        id: userId,
        email,
        fullName,
        passwordHash,
        roles: [role],
        emailVerifiedAt: now,
        now,
      });
      if (!inserted) return false;
      await audit.append(manager, {
        actorType: 'system',
        action: 'auth.user.created',
        subjectType: 'user',
        subjectId: userId,
        outcome: 'success',
        details: { roles: [role], via: 'cli' },
        occurredAt: now,
      });
      return true;
    });
    if (!created) {
      io.err('a user with this email already exists');
      return 1;
    }
    io.out(userId);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
