import { type DataSource } from 'typeorm';

/** The database named in a PostgreSQL URL (`/kasho_account` -> `kasho_account`). */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error('The database URL names no database');
  return name;
}

/** The same server and credentials, another database. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The URL a data source made by `createDataSource` connects to. */
export function dataSourceUrl(dataSource: DataSource): string {
  const options = dataSource.options;
  if (options.type !== 'postgres' || !options.url) {
    throw new Error('Expected a PostgreSQL data source configured with a url (see createDataSource)');
  }
  return options.url;
}
