import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { databaseNameOf, dataSourceUrl, withDatabaseName } from './database-url';
import { dropDatabaseIfExists, ensureDatabaseExists } from './ensure-database';
import {
  executedMigrations,
  migrate,
  pendingMigrations,
  revertAllMigrations,
  revertLastMigration,
} from './migrations';
import { schemaDrift } from './schema-drift';

/** Where the CLI writes: one line per call. */
export interface MigrationCliOutput {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: MigrationCliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const MIGRATION_CLI_USAGE = [
  'usage: migrate [command]',
  '  up                    create the database if missing, apply pending migrations (default)',
  '  down                  revert the most recent migration',
  '  status                list applied [x] and pending [ ] migrations',
  '  check-drift           on a scratch database: migrate, compare with the entities, revert everything',
  '  generate <Name> [dir] write the SQL that makes the migrations match the entities to',
  '                        <dir>/<timestamp>-<name>.ts (dir defaults to src/migrations)',
].join('\n');

/** Exit status: 0 done, 1 failed (or drift found), 2 bad usage. */
export type MigrationCliStatus = 0 | 1 | 2;

async function withInitialized<T>(
  dataSource: DataSource,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** A copy of the data source's options pointed at a fresh, uniquely named database on the same server. */
async function withScratchDatabase<T>(
  template: DataSource,
  work: (scratch: DataSource) => Promise<T>,
): Promise<T> {
  const url = dataSourceUrl(template);
  // PostgreSQL truncates identifiers to 63 bytes; keep the random part.
  const name = `${databaseNameOf(url).slice(0, 40)}_scratch_${randomBytes(5).toString('hex')}`;
  const scratchUrl = withDatabaseName(url, name);
  await ensureDatabaseExists(scratchUrl);
  try {
    const options = template.options;
    if (options.type !== 'postgres') throw new Error('Expected a PostgreSQL data source');
    const scratch = new DataSource({ ...options, url: scratchUrl, database: name });
    return await withInitialized(scratch, work);
  } finally {
    await dropDatabaseIfExists(scratchUrl);
  }
}

/** Relations a full revert left behind (the migrations table aside): proof that some `down` is incomplete. */
async function leftovers(dataSource: DataSource): Promise<string[]> {
  const migrationsTable = dataSource.options.migrationsTableName ?? 'migrations';
  const rows: { name: string }[] = await dataSource.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        AND c.relname NOT IN ($1, $2)
     UNION ALL
     SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema() AND t.typtype = 'e'
     ORDER BY 1`,
    [migrationsTable, `${migrationsTable}_id_seq`],
  );
  return rows.map((row) => row.name);
}

function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function kebabCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1-$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .join('-')
    .toLowerCase();
}

function sqlLiteral(query: string): string {
  return '`' + query.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

/** The source of a TypeORM migration class running `up` and, in reverse order, `down`. */
export function renderMigration(
  name: string,
  timestamp: number,
  up: readonly string[],
  down: readonly string[],
): string {
  const className = `${pascalCase(name)}${timestamp}`;
  const lines = (queries: readonly string[]) =>
    queries.map((query) => `    await queryRunner.query(${sqlLiteral(query)});`).join('\n');
  return [
    "import { type MigrationInterface, type QueryRunner } from 'typeorm';",
    '',
    `export class ${className} implements MigrationInterface {`,
    `  name = '${className}';`,
    '',
    '  async up(queryRunner: QueryRunner): Promise<void> {',
    lines(up),
    '  }',
    '',
    '  async down(queryRunner: QueryRunner): Promise<void> {',
    lines(down),
    '  }',
    '}',
    '',
  ].join('\n');
}

async function up(dataSource: DataSource, output: MigrationCliOutput): Promise<MigrationCliStatus> {
  const url = dataSourceUrl(dataSource);
  if (await ensureDatabaseExists(url)) output.out(`created database ${databaseNameOf(url)}`);
  const applied = await withInitialized(dataSource, migrate);
  for (const name of applied) output.out(`applied ${name}`);
  output.out(applied.length > 0 ? `${applied.length} migration(s) applied` : 'up to date');
  return 0;
}

async function down(dataSource: DataSource, output: MigrationCliOutput): Promise<MigrationCliStatus> {
  const reverted = await withInitialized(dataSource, revertLastMigration);
  output.out(reverted ? `reverted ${reverted}` : 'nothing to revert');
  return 0;
}

async function status(dataSource: DataSource, output: MigrationCliOutput): Promise<MigrationCliStatus> {
  const [executed, pending] = await withInitialized(dataSource, (ds) =>
    Promise.all([executedMigrations(ds), pendingMigrations(ds)]),
  );
  for (const name of executed) output.out(`[x] ${name}`);
  for (const name of pending) output.out(`[ ] ${name}`);
  output.out(`${executed.length} applied, ${pending.length} pending`);
  return 0;
}

async function checkDrift(dataSource: DataSource, output: MigrationCliOutput): Promise<MigrationCliStatus> {
  return withScratchDatabase(dataSource, async (scratch) => {
    const applied = await migrate(scratch);
    const drift = await schemaDrift(scratch);
    const reverted = await revertAllMigrations(scratch);
    const left = await leftovers(scratch);
    let result: MigrationCliStatus = 0;
    if (drift.length > 0) {
      output.err(`drift: the entities need SQL that no migration runs (${drift.length} statement(s)):`);
      for (const sql of drift) output.err(`  ${sql};`);
      result = 1;
    }
    if (reverted.length !== applied.length || left.length > 0) {
      output.err(`not reversible: reverting every migration left ${left.join(', ') || 'migrations applied'}`);
      result = 1;
    }
    if (result === 0) output.out(`no drift; ${applied.length} migration(s) applied and reverted cleanly`);
    return result;
  });
}

async function generate(
  dataSource: DataSource,
  output: MigrationCliOutput,
  name: string | undefined,
  dir = 'src/migrations',
): Promise<MigrationCliStatus> {
  if (!name || !/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) {
    output.err('generate needs a name such as CreateTransfers or add-transfer-status');
    return 2;
  }
  const sql = await withScratchDatabase(dataSource, async (scratch) => {
    await migrate(scratch);
    return scratch.driver.createSchemaBuilder().log();
  });
  if (sql.upQueries.length === 0) {
    output.out('no changes: the migrations already match the entities');
    return 0;
  }
  const timestamp = Date.now();
  const file = path.resolve(dir, `${timestamp}-${kebabCase(name)}.ts`);
  await mkdir(path.dirname(file), { recursive: true });
  const downQueries = sql.downQueries.map((query) => query.query).reverse();
  await writeFile(
    file,
    renderMigration(
      name,
      timestamp,
      sql.upQueries.map((query) => query.query),
      downQueries,
    ),
  );
  const shown = path.relative(process.cwd(), file).startsWith('..')
    ? file
    : path.relative(process.cwd(), file);
  output.out(`wrote ${shown}: review it, then add it to the data source's migrations`);
  return 0;
}

/**
 * The body of every service's `src/migrate.ts`: `node dist/migrate.js [up|down|status|check-drift|generate]`.
 * Returns the exit status instead of exiting, so callers and tests decide; it never throws.
 */
export async function runMigrationCli(
  buildDataSource: () => DataSource,
  argv: readonly string[] = process.argv.slice(2),
  output: MigrationCliOutput = processOutput,
): Promise<MigrationCliStatus> {
  const [command = 'up', ...rest] = argv;
  try {
    switch (command) {
      case 'up':
        return await up(buildDataSource(), output);
      case 'down':
        return await down(buildDataSource(), output);
      case 'status':
        return await status(buildDataSource(), output);
      case 'check-drift':
        return await checkDrift(buildDataSource(), output);
      case 'generate':
        return await generate(buildDataSource(), output, rest[0], rest[1]);
      case 'help':
      case '--help':
        output.out(MIGRATION_CLI_USAGE);
        return 0;
      default:
        output.err(`unknown command "${command}"\n${MIGRATION_CLI_USAGE}`);
        return 2;
    }
  } catch (error) {
    output.err(`migrate ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
