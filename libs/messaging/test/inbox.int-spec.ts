import { defineEvent } from '@kasho/contracts';
import { createTestNamespace } from '@kasho/testing';
import { createEventEnvelope, Messaging } from '../src';
import {
  createMessagingDatabase,
  sleep,
  teardown,
  testOptions,
  waitFor,
  type MessagingDatabase,
} from './support/messaging-test-kit';

const TransferPosted = defineEvent<{ transferId: string; amount: number }>('transaction.transfer.posted.v1');

describe('inbox: a redelivered message has no second effect', () => {
  const namespace = createTestNamespace('inbox');
  let db: MessagingDatabase;
  let messaging: Messaging;
  let cacheRefreshes = 0;

  async function credits(): Promise<Array<{ transfer_id: string; amount: number }>> {
    return db.dataSource.query('SELECT "transfer_id", "amount" FROM "credits" ORDER BY "transfer_id"');
  }

  beforeAll(async () => {
    db = await createMessagingDatabase('inbox');
    // No unique constraint on purpose: only the inbox stands between a redelivery and a second credit.
    await db.dataSource.query(
      'CREATE TABLE "credits" ("transfer_id" text NOT NULL, "amount" integer NOT NULL)',
    );
    messaging = new Messaging(testOptions(namespace, 'account', { prefetch: 8 }), {
      dataSource: db.dataSource,
    });
    messaging.subscribe('credit-wallets', [TransferPosted], async ({ payload }, manager) => {
      // Slow enough that concurrent copies really overlap inside their transactions.
      await sleep(30);
      await manager.query('INSERT INTO "credits" ("transfer_id", "amount") VALUES ($1, $2)', [
        payload.transferId,
        payload.amount,
      ]);
    });
    messaging.subscribeIdempotent('refresh-cache', [TransferPosted], () => {
      cacheRefreshes += 1;
      return Promise.resolve();
    });
    await messaging.start();
  });

  afterAll(async () => {
    await teardown(messaging);
    await db?.drop();
  });

  it('applies the effect once when the same message arrives again later', async () => {
    const consumer = messaging.consumers.get('credit-wallets')!;
    const envelope = createEventEnvelope('transaction', TransferPosted, { transferId: 't-1', amount: 500 });
    await messaging.publisher.publish(envelope);
    await waitFor(() => consumer.stats.ok === 1, 'the first delivery');
    await messaging.publisher.publish(envelope);
    await waitFor(() => consumer.stats.duplicate === 1, 'the redelivery');

    expect(await credits()).toEqual([{ transfer_id: 't-1', amount: 500 }]);
    const inbox = await db.dataSource.query<unknown[]>(
      'SELECT "consumer" FROM "inbox_messages" WHERE "message_id" = $1',
      [envelope.id],
    );
    expect(inbox).toEqual([{ consumer: 'account.credit-wallets' }]);
  });

  it('applies the effect once when copies are handled concurrently', async () => {
    const consumer = messaging.consumers.get('credit-wallets')!;
    const before = { ...consumer.stats };
    const envelope = createEventEnvelope('transaction', TransferPosted, { transferId: 't-2', amount: 700 });
    await Promise.all(Array.from({ length: 5 }, () => messaging.publisher.publish(envelope)));
    await waitFor(
      () => consumer.stats.ok + consumer.stats.duplicate === before.ok + before.duplicate + 5,
      'all copies',
    );

    expect(consumer.stats.ok - before.ok).toBe(1);
    expect(consumer.stats.duplicate - before.duplicate).toBe(4);
    expect((await credits()).filter((row) => row.transfer_id === 't-2')).toEqual([
      { transfer_id: 't-2', amount: 700 },
    ]);
  });

  it('runs a handler without inbox on every copy: only for naturally idempotent work', async () => {
    const refresher = messaging.consumers.get('refresh-cache')!;
    // The two tests above published 2 + 5 copies; this consumer has its own queue and sees every one.
    await waitFor(() => refresher.stats.ok === 7, 'every copy at the cache consumer');
    expect(cacheRefreshes).toBe(7);
    expect(refresher.stats.duplicate).toBe(0);
  });
});
