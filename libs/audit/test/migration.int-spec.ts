import { DataSource } from 'typeorm';
import { SnakeNamingStrategy, schemaDrift } from '@kasho/database';
import { createTestDatabase, type TestDatabase } from '@kasho/testing';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../src';

describe('audit_log migration', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('audit-migration');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [...AUDIT_ENTITIES],
      migrations: [...AUDIT_MIGRATIONS],
      namingStrategy: new SnakeNamingStrategy(),
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function objects(): Promise<string[]> {
    const rows = await dataSource.query<Array<{ name: string }>>(
      `SELECT relname AS name FROM pg_class WHERE relname LIKE '%audit_log%'
       UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'audit_log%'
       UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'audit_log%'
       ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  }

  const built = [
    'IDX_audit_log_actor',
    'IDX_audit_log_occurred_at',
    'IDX_audit_log_subject',
    'PK_audit_log',
    'UQ_audit_log_id',
    'audit_log',
    'audit_log_append_only',
    'audit_log_reject_change',
  ];

  it('matches the entity exactly: schema drift is empty', async () => {
    await dataSource.runMigrations();
    expect(await objects()).toEqual(built);
    expect(await schemaDrift(dataSource)).toEqual([]);
  });

  it('declares the same check constraints as the entity (the drift check compares only their names)', async () => {
    const rows = await dataSource.query<Array<{ conname: string }>>(
      "SELECT conname FROM pg_constraint WHERE conrelid = 'audit_log'::regclass AND contype = 'c' ORDER BY 1",
    );
    const declared = dataSource.getMetadata('audit_log').checks.map((check) => check.name);
    expect(rows.map((row) => row.conname)).toEqual([...declared].sort());
    expect(declared).toHaveLength(4);
  });

  it('is reversible: down leaves nothing behind, and up builds it again', async () => {
    await dataSource.undoLastMigration();
    expect(await objects()).toEqual([]);
    await dataSource.runMigrations();
    expect(await objects()).toEqual(built);
    expect(await schemaDrift(dataSource)).toEqual([]);
  });
});
