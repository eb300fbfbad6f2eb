import { createTestNamespace } from '@kasho/testing';
import { Messaging, resolveMessagingOptions, type MessagingRetention } from '../src';
import {
  createMessagingDatabase,
  teardown,
  testOptions,
  waitFor,
  type MessagingDatabase,
} from './support/messaging-test-kit';

describe('retention of the outbox and inbox tables', () => {
  const namespace = createTestNamespace('retention');
  let db: MessagingDatabase;
  let messaging: Messaging;

  /** Inserts `count` outbox rows created and (unless null) published `publishedDaysAgo` days ago; returns a tag. */
  async function outboxRows(
    tag: string,
    count: number,
    createdDaysAgo: number,
    publishedDaysAgo: number | null,
  ): Promise<void> {
    await db.dataSource.query(
      'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers", "created_at", "published_at") ' +
        "SELECT gen_random_uuid(), $1, '{}'::jsonb, '{}'::jsonb, now() - make_interval(days => $2), " +
        'CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END ' +
        'FROM generate_series(1, $4)',
      [tag, createdDaysAgo, publishedDaysAgo, count],
    );
  }

  async function inboxRows(consumer: string, count: number, processedDaysAgo: number): Promise<void> {
    await db.dataSource.query(
      'INSERT INTO "inbox_messages" ("consumer", "message_id", "processed_at") ' +
        'SELECT $1, gen_random_uuid(), now() - make_interval(days => $2) FROM generate_series(1, $3)',
      [consumer, processedDaysAgo, count],
    );
  }

  async function countsBy(table: 'outbox_messages' | 'inbox_messages'): Promise<Record<string, number>> {
    const column = table === 'outbox_messages' ? '"type"' : '"consumer"';
    const rows = await db.dataSource.query<Array<{ key: string; count: number }>>(
      `SELECT ${column} AS "key", count(*)::int AS "count" FROM "${table}" GROUP BY 1 ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.key, row.count]));
  }

  function retention(overrides: Parameters<Messaging['createRetention']>[1] = {}): MessagingRetention {
    return messaging.createRetention(db.dataSource, overrides);
  }

  beforeAll(async () => {
    db = await createMessagingDatabase('retention');
    // No relay and no scheduled pruning here: each test runs its rounds itself.
    messaging = await Messaging.connect(
      testOptions(namespace, 'transaction', { outbox: { relay: false }, retention: { intervalMs: 0 } }),
      { dataSource: db.dataSource },
    );
  });

  afterEach(async () => {
    await db.dataSource.query('DELETE FROM "outbox_messages"');
    await db.dataSource.query('DELETE FROM "inbox_messages"');
  });

  afterAll(async () => {
    await teardown(messaging);
    await db?.drop();
  });

  it('deletes published outbox rows past 7 days and inbox rows past 30 days by default; keeps the recent ones', async () => {
    await outboxRows('published-8-days-ago', 3, 9, 8);
    await outboxRows('published-6-days-ago', 2, 9, 6);
    await outboxRows('published-just-now', 2, 0, 0);
    await inboxRows('handled-31-days-ago', 4, 31);
    await inboxRows('handled-29-days-ago', 3, 29);
    await inboxRows('handled-just-now', 1, 0);

    await expect(retention().pruneOnce()).resolves.toEqual({ outboxDeleted: 3, inboxDeleted: 4 });

    expect(await countsBy('outbox_messages')).toEqual({
      'published-6-days-ago': 2,
      'published-just-now': 2,
    });
    expect(await countsBy('inbox_messages')).toEqual({ 'handled-29-days-ago': 3, 'handled-just-now': 1 });
  });

  it('never deletes an unpublished outbox row, however old: it is an event still owed to the broker', async () => {
    await outboxRows('unpublished-from-last-year', 5, 365, null);
    await outboxRows('published-last-year', 5, 365, 365);

    await expect(retention({ outboxPublishedDays: 1, inboxDays: 1 }).pruneOnce()).resolves.toEqual({
      outboxDeleted: 5,
      inboxDeleted: 0,
    });
    expect(await countsBy('outbox_messages')).toEqual({ 'unpublished-from-last-year': 5 });
  });

  it('deletes in bounded batches until a batch comes back short', async () => {
    await outboxRows('old', 250, 10, 10);
    await inboxRows('old', 230, 40);
    const query = jest.spyOn(db.dataSource, 'query');
    try {
      await expect(retention({ batchSize: 100 }).pruneOnce()).resolves.toEqual({
        outboxDeleted: 250,
        inboxDeleted: 230,
      });
      const deletes = await Promise.all(
        query.mock.calls.map(async ([statement], index) => ({
          table: /^DELETE FROM "(\w+)"/.exec(statement)?.[1],
          deleted: ((await query.mock.results[index].value) as [unknown[], number])[1],
        })),
      );
      expect(deletes).toEqual([
        { table: 'outbox_messages', deleted: 100 },
        { table: 'outbox_messages', deleted: 100 },
        { table: 'outbox_messages', deleted: 50 },
        { table: 'inbox_messages', deleted: 100 },
        { table: 'inbox_messages', deleted: 100 },
        { table: 'inbox_messages', deleted: 30 },
      ]);
    } finally {
      query.mockRestore();
    }
    expect(await countsBy('outbox_messages')).toEqual({});
    expect(await countsBy('inbox_messages')).toEqual({});
  });

  it('is safe on several replicas at once: together they delete each old row once and fail on nothing', async () => {
    await outboxRows('old', 3_000, 10, 10);
    await outboxRows('recent', 10, 1, 1);
    await inboxRows('old', 3_000, 40);
    const rounds = await Promise.all([0, 1, 2].map(() => retention({ batchSize: 200 }).pruneOnce()));
    // A replica that meets only rows another one is deleting stops early (a short batch); the next round finishes.
    const leftOver = await retention({ batchSize: 200 }).pruneOnce();
    const total = [...rounds, leftOver].reduce(
      (sum, round) => ({
        outboxDeleted: sum.outboxDeleted + round.outboxDeleted,
        inboxDeleted: sum.inboxDeleted + round.inboxDeleted,
      }),
      { outboxDeleted: 0, inboxDeleted: 0 },
    );
    expect(total).toEqual({ outboxDeleted: 3_000, inboxDeleted: 3_000 });
    expect(await countsBy('outbox_messages')).toEqual({ recent: 10 });
    expect(await countsBy('inbox_messages')).toEqual({});
  });

  it('runs on its own once started with a DataSource, stops at shutdown; intervalMs 0 disables it', async () => {
    await outboxRows('old', 5, 10, 10);
    await inboxRows('old', 5, 40);
    const service = new Messaging(
      testOptions(namespace, 'transaction', { outbox: { relay: false }, retention: { intervalMs: 50 } }),
      { dataSource: db.dataSource },
    );
    try {
      await service.start();
      expect(service.retention?.isRunning).toBe(true);
      await waitFor(
        async () =>
          Object.keys(await countsBy('outbox_messages')).length === 0 &&
          Object.keys(await countsBy('inbox_messages')).length === 0,
        'the scheduled round to prune both tables',
      );
      await service.shutdown();
      expect(service.retention).toBeUndefined();
    } finally {
      await teardown(service);
    }

    const disabled = new Messaging(
      testOptions(namespace, 'transaction', { outbox: { relay: false }, retention: { intervalMs: 0 } }),
      { dataSource: db.dataSource },
    );
    try {
      await disabled.start();
      expect(disabled.retention).toBeUndefined();
    } finally {
      await teardown(disabled);
    }
    const gateway = new Messaging(testOptions(namespace, 'gateway'));
    try {
      await gateway.start();
      expect(gateway.retention).toBeUndefined();
    } finally {
      await teardown(gateway);
    }
  });

  it('refuses an inbox window that a retried message could outlive', () => {
    const options = testOptions(namespace, 'transaction');
    expect(() =>
      resolveMessagingOptions({
        ...options,
        retry: { delaysMs: [86_400_000, 86_400_000] },
        retention: { inboxDays: 2 },
      }),
    ).toThrow(/retention\.inboxDays must exceed the retry span/);
    expect(resolveMessagingOptions(options).retention).toEqual({
      outboxPublishedDays: 7,
      inboxDays: 30,
      intervalMs: 3_600_000,
      batchSize: 1_000,
    });
  });
});
