import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';

// Replicas of one service may start together, each migrating on start: a session-level advisory lock (scoped to this
// database) makes them take turns, and the ones that wait find nothing left to do.
const LOCK = "SELECT pg_advisory_lock(hashtext('kasho.migrations'))";
const UNLOCK = "SELECT pg_advisory_unlock(hashtext('kasho.migrations'))";

async function withMigrationLock<T>(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query(LOCK);
    try {
      return await work(runner);
    } finally {
      await runner.query(UNLOCK);
    }
  } finally {
    await runner.release();
  }
}

function executorOn(dataSource: DataSource, runner?: QueryRunner): MigrationExecutor {
  const executor = new MigrationExecutor(dataSource, runner);
  executor.transaction = 'each';
  return executor;
}

/** Applies every pending migration, each in its own transaction; returns the names applied, in order. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, async (runner) => {
    const applied = await executorOn(dataSource, runner).executePendingMigrations();
    return applied.map((migration) => migration.name);
  });
}

/** Names of the migrations applied to the database, oldest first. */
export async function executedMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = await executorOn(dataSource).getExecutedMigrations();
  return executed
    .slice()
    .sort((a, b) => a.timestamp - b.timestamp || (a.id ?? 0) - (b.id ?? 0))
    .map((migration) => migration.name);
}

/** Names of the migrations known to the data source but not applied yet, in the order `migrate` would apply them. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await executorOn(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}

/** Runs the `down` of the most recently applied migration; returns its name, or undefined when none is applied. */
export async function revertLastMigration(dataSource: DataSource): Promise<string | undefined> {
  return withMigrationLock(dataSource, async (runner) => {
    const executor = executorOn(dataSource, runner);
    const before = new Set((await executor.getExecutedMigrations()).map((migration) => migration.name));
    if (before.size === 0) return undefined;
    await executor.undoLastMigration();
    const after = new Set((await executor.getExecutedMigrations()).map((migration) => migration.name));
    return [...before].find((name) => !after.has(name));
  });
}

/** Reverts every applied migration, newest first; returns the names reverted. */
export async function revertAllMigrations(dataSource: DataSource): Promise<string[]> {
  const reverted: string[] = [];
  for (;;) {
    const name = await revertLastMigration(dataSource);
    if (name === undefined) return reverted;
    reverted.push(name);
  }
}
