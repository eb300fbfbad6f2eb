import { createTestDatabase, type TestDatabase } from '@kasho/testing';
import { type DataSource } from 'typeorm';
import {
  assertNoSchemaDrift,
  createDataSource,
  executedMigrations,
  migrate,
  pendingMigrations,
  revertAllMigrations,
  revertLastMigration,
  schemaDrift,
  SchemaDriftError,
} from '../src';
import { widgetMigrations } from './fixtures/migrations';
import { Widget, WidgetWithColour } from './fixtures/widget.entity';

let database: TestDatabase;
let dataSource: DataSource;
const opened: DataSource[] = [];

async function open(
  entities: NonNullable<Parameters<typeof createDataSource>[0]['entities']>,
): Promise<DataSource> {
  const source = createDataSource({ url: database.url, entities, migrations: widgetMigrations, poolSize: 3 });
  opened.push(source);
  return source.initialize();
}

async function columnsOfWidgets(): Promise<string[]> {
  const rows: { column_name: string }[] = await dataSource.query(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'widgets' ORDER BY column_name`,
  );
  return rows.map((row) => row.column_name);
}

beforeAll(async () => {
  database = await createTestDatabase('db-migrations');
  dataSource = await open([Widget]);
});

afterAll(async () => {
  await Promise.all(opened.filter((source) => source.isInitialized).map((source) => source.destroy()));
  await database.drop();
});

describe('migrations', () => {
  it('applies the pending migrations in order, each once', async () => {
    expect(await pendingMigrations(dataSource)).toEqual([
      'CreateWidgets1700000000000',
      'AddWidgetSku1700000001000',
    ]);
    expect(await migrate(dataSource)).toEqual(['CreateWidgets1700000000000', 'AddWidgetSku1700000001000']);
    expect(await migrate(dataSource)).toEqual([]);
    expect(await pendingMigrations(dataSource)).toEqual([]);
    expect(await executedMigrations(dataSource)).toEqual([
      'CreateWidgets1700000000000',
      'AddWidgetSku1700000001000',
    ]);
    // snake_case columns by default
    expect(await columnsOfWidgets()).toEqual(['created_at', 'id', 'name', 'price_minor', 'sku']);
    const saved = await dataSource
      .getRepository(Widget)
      .save({ name: 'bolt', priceMinor: '1250', sku: 'B-1' });
    expect(await dataSource.getRepository(Widget).findOneByOrFail({ id: saved.id })).toMatchObject({
      name: 'bolt',
      priceMinor: '1250',
      sku: 'B-1',
    });
  });

  it('reverts one migration at a time, then migrates up again', async () => {
    expect(await revertLastMigration(dataSource)).toBe('AddWidgetSku1700000001000');
    expect(await columnsOfWidgets()).toEqual(['created_at', 'id', 'name', 'price_minor']);
    expect(await revertLastMigration(dataSource)).toBe('CreateWidgets1700000000000');
    expect(await columnsOfWidgets()).toEqual([]);
    expect(await revertLastMigration(dataSource)).toBeUndefined();
    expect(await migrate(dataSource)).toHaveLength(2);
    expect(await revertAllMigrations(dataSource)).toEqual([
      'AddWidgetSku1700000001000',
      'CreateWidgets1700000000000',
    ]);
  });

  it('lets concurrent starts take turns: every migration is applied once', async () => {
    const other = await open([Widget]);
    const [first, second] = await Promise.all([migrate(dataSource), migrate(other)]);
    expect([...first, ...second].sort()).toEqual(['AddWidgetSku1700000001000', 'CreateWidgets1700000000000']);
    expect(await executedMigrations(dataSource)).toHaveLength(2);
  });
});

describe('schema drift', () => {
  it('is silent when the entities and the migrations agree', async () => {
    expect(await schemaDrift(dataSource)).toEqual([]);
    await expect(assertNoSchemaDrift(dataSource)).resolves.toBeUndefined();
  });

  it('catches an entity column that no migration creates', async () => {
    const drifting = await open([WidgetWithColour]);
    expect(await schemaDrift(drifting)).toEqual(['ALTER TABLE "widgets" ADD "colour" text']);
    const failure = assertNoSchemaDrift(drifting);
    await expect(failure).rejects.toBeInstanceOf(SchemaDriftError);
    await expect(failure).rejects.toThrow('ALTER TABLE "widgets" ADD "colour" text');
    // Only reported, never executed.
    expect(await columnsOfWidgets()).not.toContain('colour');
  });

  it('refuses to compare a database that still has pending migrations', async () => {
    await revertLastMigration(dataSource);
    await expect(schemaDrift(dataSource)).rejects.toThrow('pending: AddWidgetSku1700000001000');
    await migrate(dataSource);
  });
});
