import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@kasho/testing';
import {
  AddMessagingRetentionIndexes1764300000000,
  CreateMessagingTables1764200000000,
  MESSAGING_ENTITIES,
} from '../src';

describe('messaging tables migration', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('msg-migration');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [...MESSAGING_ENTITIES],
      migrations: [CreateMessagingTables1764200000000, AddMessagingRetentionIndexes1764300000000],
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function tables(): Promise<string[]> {
    const rows = await dataSource.query<Array<{ table_name: string }>>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE '%_messages' ORDER BY 1",
    );
    return rows.map((row) => row.table_name);
  }

  it('matches the entities exactly: generating a migration after it produces nothing (no drift)', async () => {
    await dataSource.runMigrations();
    expect(await tables()).toEqual(['inbox_messages', 'outbox_messages']);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it("keeps the relay's index partial: TypeORM's diff does not compare index predicates, so check it here", async () => {
    const [index] = await dataSource.query<Array<{ indexdef: string }>>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_outbox_messages_unpublished'",
    );
    expect(index.indexdef).toMatch(/\(sequence\) WHERE \(published_at IS NULL\)$/);
    const metadata = dataSource
      .getMetadata('outbox_messages')
      .indices.find((candidate) => candidate.name === 'IDX_outbox_messages_unpublished');
    expect(metadata?.where).toBe('"published_at" IS NULL');
  });

  it("keeps the retention's outbox index partial: published rows only", async () => {
    const [index] = await dataSource.query<Array<{ indexdef: string }>>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_outbox_messages_published_at'",
    );
    expect(index.indexdef).toMatch(/\(published_at\) WHERE \(published_at IS NOT NULL\)$/);
  });

  async function retentionIndexes(): Promise<string[]> {
    const rows = await dataSource.query<Array<{ indexname: string }>>(
      "SELECT indexname FROM pg_indexes WHERE indexname IN ('IDX_outbox_messages_published_at', " +
        "'IDX_inbox_messages_processed_at') ORDER BY 1",
    );
    return rows.map((row) => row.indexname);
  }

  it('is reversible', async () => {
    expect(await retentionIndexes()).toEqual([
      'IDX_inbox_messages_processed_at',
      'IDX_outbox_messages_published_at',
    ]);
    await dataSource.undoLastMigration();
    expect(await retentionIndexes()).toEqual([]);
    expect(await tables()).toEqual(['inbox_messages', 'outbox_messages']);
    await dataSource.undoLastMigration();
    expect(await tables()).toEqual([]);
    await dataSource.runMigrations();
    expect(await tables()).toEqual(['inbox_messages', 'outbox_messages']);
    expect(await retentionIndexes()).toHaveLength(2);
  });
});
