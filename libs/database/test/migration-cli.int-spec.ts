import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from '@kasho/testing';
import {
  createDataSource,
  type CreateDataSourceOptions,
  databaseNameOf,
  dropDatabaseIfExists,
  type MigrationCliOutput,
  runMigrationCli,
  withDatabaseName,
} from '../src';
import { CreateGizmosIrreversibly1700000002000, widgetMigrations } from './fixtures/migrations';
import { Widget, WidgetWithColour } from './fixtures/widget.entity';

// The CLI must create this database itself, so it is not made with createTestDatabase.
const url = withDatabaseName(TEST_POSTGRES_URL, `kasho_test_cli_${randomBytes(5).toString('hex')}`);
let generatedDir: string;

interface Run {
  status: number;
  out: string;
  err: string;
}

async function run(argv: string[], options: Partial<CreateDataSourceOptions> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const output: MigrationCliOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const status = await runMigrationCli(
    () => createDataSource({ url, entities: [Widget], migrations: widgetMigrations, ...options }),
    argv,
    output,
  );
  return { status, out: out.join('\n'), err: err.join('\n') };
}

async function scratchDatabasesLeft(): Promise<number> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname LIKE $1', [
      `${databaseNameOf(url)}_scratch_%`,
    ]);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  generatedDir = await mkdtemp(path.join(tmpdir(), 'kasho-migrations-'));
});

afterAll(async () => {
  await dropDatabaseIfExists(url);
  await rm(generatedDir, { recursive: true, force: true });
});

describe('runMigrationCli', () => {
  it('up: creates the missing database and applies the migrations', async () => {
    const first = await run([]);
    expect(first).toEqual({
      status: 0,
      out: [
        `created database ${databaseNameOf(url)}`,
        'applied CreateWidgets1700000000000',
        'applied AddWidgetSku1700000001000',
        '2 migration(s) applied',
      ].join('\n'),
      err: '',
    });
    expect(await run(['up'])).toEqual({ status: 0, out: 'up to date', err: '' });
  });

  it('status and down', async () => {
    expect((await run(['status'])).out).toBe(
      '[x] CreateWidgets1700000000000\n[x] AddWidgetSku1700000001000\n2 applied, 0 pending',
    );
    expect(await run(['down'])).toEqual({ status: 0, out: 'reverted AddWidgetSku1700000001000', err: '' });
    expect((await run(['status'])).out).toBe(
      '[x] CreateWidgets1700000000000\n[ ] AddWidgetSku1700000001000\n1 applied, 1 pending',
    );
  });

  it('check-drift: passes when the entities and the migrations agree, on a scratch database it drops', async () => {
    expect(await run(['check-drift'])).toEqual({
      status: 0,
      out: 'no drift; 2 migration(s) applied and reverted cleanly',
      err: '',
    });
    expect(await scratchDatabasesLeft()).toBe(0);
  });

  it('check-drift: fails with the missing SQL when an entity has a column no migration creates', async () => {
    const result = await run(['check-drift'], { entities: [WidgetWithColour] });
    expect(result.status).toBe(1);
    expect(result.err).toBe(
      'drift: the entities need SQL that no migration runs (1 statement(s)):\n  ALTER TABLE "widgets" ADD "colour" text;',
    );
    expect(await scratchDatabasesLeft()).toBe(0);
  });

  it('check-drift: fails when a down migration does not undo its up', async () => {
    const result = await run(['check-drift'], {
      migrations: [...widgetMigrations, CreateGizmosIrreversibly1700000002000],
    });
    expect(result.status).toBe(1);
    expect(result.err).toBe('not reversible: reverting every migration left gizmos');
  });

  it('generate: writes a migration with the missing SQL, or nothing when there is none', async () => {
    expect(await run(['generate', 'AddWidgetColour', generatedDir])).toMatchObject({ status: 0 });
    expect(await readdir(generatedDir)).toEqual([]);

    const result = await run(['generate', 'AddWidgetColour', generatedDir], { entities: [WidgetWithColour] });
    expect(result.status).toBe(0);
    const [file] = await readdir(generatedDir);
    expect(file).toMatch(/^\d{13}-add-widget-colour\.ts$/);
    const source = await readFile(path.join(generatedDir, file ?? ''), 'utf8');
    expect(source).toContain('export class AddWidgetColour');
    expect(source).toContain('await queryRunner.query(`ALTER TABLE "widgets" ADD "colour" text`);');
    expect(source).toContain('await queryRunner.query(`ALTER TABLE "widgets" DROP COLUMN "colour"`);');
  });

  it('reports bad usage and failures with an exit status, never a throw', async () => {
    const unknown = await run(['sideways']);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toContain('unknown command "sideways"');
    expect(await run(['generate'])).toMatchObject({ status: 2 });
    const errors: string[] = [];
    const failing = await runMigrationCli(
      () => {
        throw new Error('Invalid configuration: DATABASE_URL: required in production');
      },
      ['up'],
      { out: () => undefined, err: (line) => errors.push(line) },
    );
    expect(failing).toBe(1);
    expect(errors).toEqual([
      'migrate up failed: Invalid configuration: DATABASE_URL: required in production',
    ]);
    const unreachable = await runMigrationCli(
      () =>
        createDataSource({ url: 'postgres://postgres@127.0.0.1:1/nowhere', entities: [], migrations: [] }),
      ['status'],
      { out: () => undefined, err: () => undefined },
    );
    expect(unreachable).toBe(1);
  });
});
