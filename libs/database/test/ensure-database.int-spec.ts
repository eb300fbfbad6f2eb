import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from '@kasho/testing';
import { databaseNameOf, dropDatabaseIfExists, ensureDatabaseExists, withDatabaseName } from '../src';

const url = withDatabaseName(TEST_POSTGRES_URL, `kasho_test_ensure_${randomBytes(5).toString('hex')}`);

async function databaseExists(): Promise<boolean> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseNameOf(url)]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

afterAll(() => dropDatabaseIfExists(url));

describe('ensureDatabaseExists', () => {
  it('creates a missing database exactly once, even when several processes race', async () => {
    expect(await databaseExists()).toBe(false);
    const created = await Promise.all([1, 2, 3, 4].map(() => ensureDatabaseExists(url)));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await databaseExists()).toBe(true);
    expect(await ensureDatabaseExists(url)).toBe(false);
  });

  it('drops it again', async () => {
    await dropDatabaseIfExists(url);
    expect(await databaseExists()).toBe(false);
    await expect(dropDatabaseIfExists(url)).resolves.toBeUndefined();
  });
});
