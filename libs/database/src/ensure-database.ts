import { Client } from 'pg';
import { databaseNameOf, withDatabaseName } from './database-url';

const DUPLICATE_DATABASE = '42P04';
// Two concurrent CREATE DATABASE of one name can also collide on pg_database's unique index.
const UNIQUE_VIOLATION = '23505';
const INVALID_CATALOG_NAME = '3D000';

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** Runs `work` connected to the server's maintenance database (`postgres`, or `template1` where that is missing). */
async function onMaintenanceDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  let client = new Client({
    connectionString: withDatabaseName(url, 'postgres'),
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
  } catch (error) {
    if (errorCode(error) !== INVALID_CATALOG_NAME) throw error;
    client = new Client({
      connectionString: withDatabaseName(url, 'template1'),
      connectionTimeoutMillis: 5000,
    });
    await client.connect();
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database named in `url` when it does not exist yet (local runs and tests; in production the database
 * is provisioned). Safe when several processes race: the losers see it exists. Returns true when this call created it.
 */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return onMaintenanceDatabase(url, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  });
}

/** Drops the database named in `url`, disconnecting its sessions. For scratch databases and tests only. */
export async function dropDatabaseIfExists(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await onMaintenanceDatabase(url, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}
