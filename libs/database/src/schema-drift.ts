import { type DataSource } from 'typeorm';
import { pendingMigrations } from './migrations';

/** The entities describe a schema the migrations do not build. */
export class SchemaDriftError extends Error {
  constructor(readonly statements: readonly string[]) {
    super(
      `The entities and the migrations disagree; a migration is missing these statements:\n${statements.map((sql) => `  ${sql};`).join('\n')}`,
    );
    this.name = 'SchemaDriftError';
  }
}

/**
 * The SQL TypeORM's schema builder would still run to make the database match the entities. Call it on a database
 * that every migration has been applied to (a scratch one: see `runMigrationCli`'s `check-drift`); an empty result
 * means the entities and the migrations agree. Nothing is executed.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new Error(`Schema drift is only meaningful on a migrated database; pending: ${pending.join(', ')}`);
  }
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map(({ query, parameters }) =>
    parameters && parameters.length > 0 ? `${query} -- parameters: ${JSON.stringify(parameters)}` : query,
  );
}

/** Throws a `SchemaDriftError` listing the missing statements when the entities and the migrations disagree. */
export async function assertNoSchemaDrift(dataSource: DataSource): Promise<void> {
  const statements = await schemaDrift(dataSource);
  if (statements.length > 0) throw new SchemaDriftError(statements);
}
