import { buildServiceDataSource } from '@kasho/platform';
import { createTestDatabase, uniqueEmail, type TestDatabase } from '@kasho/testing';
import { authSchema } from '../src/database';
import { runCreateUser } from '../src/users/create-user.command';

// The create-user CLI against a real database: it needs migrations, creates a verified user with the role,
// audits it, prints only the id, and refuses a weak password or a taken email.

let database: TestDatabase;
const dataSource = () => buildServiceDataSource('auth', authSchema, { DATABASE_URL: database.url });

async function run(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCreateUser(argv, dataSource(), {
    readStdin: () => Promise.resolve(stdin),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

beforeAll(async () => {
  database = await createTestDatabase('auth_create_user');
});

afterAll(async () => {
  await database?.drop();
});

describe('create-user', () => {
  const email = uniqueEmail('admin');
  const args = ['--email', email, '--role', 'admin', '--full-name', 'First Admin', '--password-stdin'];

  it('refuses an unmigrated database', async () => {
    const { code, err } = await run(args, 'a long admin passphrase 9\n');
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/not migrated/);
  });

  it('creates a verified admin from a password on stdin, audited, printing only the id', async () => {
    const migrator = dataSource();
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    const { code, out } = await run(args, 'a long admin passphrase 9\n');
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const [id] = out;
    const check = dataSource();
    await check.initialize();
    try {
      const [user] = await check.query<Array<{ roles: string[]; email_verified_at: Date | null }>>(
        'SELECT "roles", "email_verified_at" FROM "users" WHERE "id" = $1',
        [id],
      );
      expect(user.roles).toEqual(['admin']);
      expect(user.email_verified_at).not.toBeNull();
      const [audit] = await check.query<Array<{ details: { roles: string[] } }>>(
        `SELECT "details" FROM "audit_log" WHERE "action" = 'auth.user.created' AND "subject_id" = $1`,
        [id],
      );
      expect(audit.details.roles).toEqual(['admin']);
      const [mfa] = await check.query<Array<{ n: string }>>(
        'SELECT count(*) AS n FROM "mfa" WHERE "user_id" = $1',
        [id],
      );
      expect(mfa.n).toBe('0');
    } finally {
      await check.destroy();
    }
  });

  it('refuses a taken email, a weak password, an unknown role and a missing password', async () => {
    expect((await run(args, 'a long admin passphrase 9')).code).toBe(1);
    expect(
      (
        await run([
          '--email',
          uniqueEmail('x'),
          '--role',
          'admin',
          '--full-name',
          'X',
          '--password',
          'password',
        ])
      ).code,
    ).toBe(1);
    expect(
      (
        await run(
          ['--email', uniqueEmail('x'), '--role', 'root', '--full-name', 'X', '--password-stdin'],
          'x',
        )
      ).code,
    ).toBe(2);
    expect((await run(['--email', uniqueEmail('x'), '--role', 'admin', '--full-name', 'X'])).code).toBe(2);
  });
});
