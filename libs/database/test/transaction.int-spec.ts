import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@kasho/testing';
import { type DataSource, type EntityManager } from 'typeorm';
import { createDataSource, isRetryableTransactionError, withTransaction } from '../src';

let database: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase('db-transactions');
  dataSource = await createDataSource({
    url: database.url,
    entities: [],
    migrations: [],
    poolSize: 4,
  }).initialize();
  await dataSource.query(
    'CREATE TABLE entries (id serial PRIMARY KEY, bucket text NOT NULL, amount integer NOT NULL)',
  );
});

afterAll(async () => {
  await dataSource.destroy();
  await database.drop();
});

function newBucket(): string {
  return randomBytes(4).toString('hex');
}

async function amounts(bucket: string, manager: EntityManager = dataSource.manager): Promise<number[]> {
  const rows: { amount: number }[] = await manager.query(
    'SELECT amount FROM entries WHERE bucket = $1 ORDER BY amount',
    [bucket],
  );
  return rows.map((row) => row.amount);
}

/**
 * Write skew, the textbook serialization anomaly: two SERIALIZABLE transactions each read the bucket's total, wait
 * until the other has read it too, then insert total + 1. PostgreSQL must abort one of them with 40001.
 */
async function writeSkew(bucket: string, retries: number) {
  let attempts = 0;
  let reads = 0;
  let bothRead!: () => void;
  const barrier = new Promise<void>((resolve) => {
    bothRead = resolve;
  });
  const increment = () =>
    withTransaction(
      dataSource,
      async (manager) => {
        attempts += 1;
        const [{ total }] = await manager.query<[{ total: number }]>(
          'SELECT COALESCE(SUM(amount), 0)::int AS total FROM entries WHERE bucket = $1',
          [bucket],
        );
        reads += 1;
        if (reads === 2) bothRead();
        await barrier;
        await manager.query('INSERT INTO entries (bucket, amount) VALUES ($1, $2)', [bucket, total + 1]);
        return total + 1;
      },
      { isolation: 'SERIALIZABLE', retries },
    );
  const outcomes = await Promise.allSettled([increment(), increment()]);
  return { outcomes, attempts };
}

describe('withTransaction', () => {
  it('commits what the work did and returns its result', async () => {
    const bucket = newBucket();
    const result = await withTransaction(dataSource, async (manager) => {
      await manager.query('INSERT INTO entries (bucket, amount) VALUES ($1, 1), ($1, 2)', [bucket]);
      return amounts(bucket, manager);
    });
    expect(result).toEqual([1, 2]);
    expect(await amounts(bucket)).toEqual([1, 2]);
  });

  it('rolls everything back when the work throws, and rethrows', async () => {
    const bucket = newBucket();
    const failure = new Error('insufficient funds');
    await expect(
      withTransaction(dataSource, async (manager) => {
        await manager.query('INSERT INTO entries (bucket, amount) VALUES ($1, 1)', [bucket]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await amounts(bucket)).toEqual([]);
  });

  it('provokes a real serialization failure when it may not retry', async () => {
    const bucket = newBucket();
    const { outcomes, attempts } = await writeSkew(bucket, 0);
    expect(attempts).toBe(2);
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatchObject({ code: '40001' });
    expect(isRetryableTransactionError(rejected[0]?.reason)).toBe(true);
    expect(await amounts(bucket)).toEqual([1]);
  });

  it('retries a serialization failure in a fresh transaction until both commit', async () => {
    const bucket = newBucket();
    const { outcomes, attempts } = await writeSkew(bucket, 3);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(attempts).toBe(3);
    // The retried transaction saw the other's row: no lost update.
    expect(await amounts(bucket)).toEqual([1, 2]);
  });

  it('does not retry errors that are not transient', async () => {
    let attempts = 0;
    await expect(
      withTransaction(
        dataSource,
        async (manager) => {
          attempts += 1;
          await manager.query('SELECT 1 / 0');
        },
        { isolation: 'SERIALIZABLE', retries: 5 },
      ),
    ).rejects.toMatchObject({ code: '22012' });
    expect(attempts).toBe(1);
  });
});
