import { type DataSource } from 'typeorm';
import { createDataSource, migrate } from '@kasho/database';
import { createTestDatabase, type TestDatabase } from '@kasho/testing';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../../src';

export interface AuditTestDatabase {
  database: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A database of this test file's own, migrated, reached like a service reaches it. */
export async function openAuditTestDatabase(label: string, poolSize = 10): Promise<AuditTestDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = createDataSource({
    url: database.url,
    entities: [...AUDIT_ENTITIES],
    migrations: [...AUDIT_MIGRATIONS],
    poolSize,
    applicationName: `audit-test-${label}`,
  });
  await dataSource.initialize();
  await migrate(dataSource);
  return {
    database,
    dataSource,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}

/** Runs `sql` with the append-only trigger switched off, as only the table's owner could: a tampering attacker. */
export async function tamper(dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query('ALTER TABLE "audit_log" DISABLE TRIGGER "audit_log_append_only"');
    await manager.query(sql, parameters);
    await manager.query('ALTER TABLE "audit_log" ENABLE TRIGGER "audit_log_append_only"');
  });
}
