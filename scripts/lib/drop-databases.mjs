// Drops the databases a benchmark or end-to-end run created under its own name prefix.
import { Client } from 'pg';

export async function dropDatabasesWithPrefix(
  prefix,
  serverUrl = 'postgres://postgres@127.0.0.1:5432/postgres',
) {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${prefix}%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
