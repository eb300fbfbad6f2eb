import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { register } from 'prom-client';
import { defineEvent } from '@kasho/contracts';
import { createTestNamespace, TEST_AMQP_URL } from '@kasho/testing';
import { randomUUID } from 'node:crypto';
import {
  Messaging,
  outboxEvent,
  type OutboxExpander,
  outboxReferenceRow,
  outboxRow,
  type OutboxPublisherPort,
  type OutboxRelay,
} from '../src';
import {
  createMessagingDatabase,
  teardown,
  testOptions,
  waitFor,
  type MessagingDatabase,
} from './support/messaging-test-kit';

const LedgerEntryWritten = defineEvent<{ n: number }>('transaction.ledger-entry.written.v1');

describe('transactional outbox and relay', () => {
  const namespace = createTestNamespace('outbox');
  let db: MessagingDatabase;
  let producer: Messaging;
  let consumerSide: Messaging;
  const extraInstances: Messaging[] = [];

  async function pending(): Promise<number> {
    const [row] = await db.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS "count" FROM "outbox_messages" WHERE "published_at" IS NULL',
    );
    return row.count;
  }

  /** Enqueues `count` events in transactions of `perTransaction`, as state changes would; returns their ids. */
  async function enqueue(count: number, perTransaction = 100): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += perTransaction) {
      await db.dataSource.transaction(async (manager) => {
        for (let n = start; n < Math.min(count, start + perTransaction); n += 1) {
          ids.push((await producer.outbox.enqueue(manager, LedgerEntryWritten, { n })).id);
        }
      });
    }
    return ids;
  }

  async function drain(relay: OutboxRelay): Promise<void> {
    while ((await pending()) > 0) {
      if ((await relay.relayOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function effects(): Promise<{ total: number; distinct: number }> {
    const [row] = await db.dataSource.query<Array<{ total: number; distinct: number }>>(
      'SELECT count(*)::int AS "total", count(DISTINCT "event_id")::int AS "distinct" FROM "effects"',
    );
    return row;
  }

  beforeAll(async () => {
    db = await createMessagingDatabase('outbox');
    await db.dataSource.query('CREATE TABLE "effects" ("event_id" uuid NOT NULL, "n" integer NOT NULL)');
    producer = await Messaging.connect(testOptions(namespace, 'transaction', { outbox: { relay: false } }), {
      dataSource: db.dataSource,
    });
    consumerSide = new Messaging(
      testOptions(namespace, 'notification', { prefetch: 16, outbox: { relay: false } }),
      {
        dataSource: db.dataSource,
      },
    );
    consumerSide.subscribe('ledger-mails', [LedgerEntryWritten], async (envelope, manager) => {
      await manager.query('INSERT INTO "effects" ("event_id", "n") VALUES ($1, $2)', [
        envelope.id,
        envelope.payload.n,
      ]);
    });
    await consumerSide.start();
  });

  afterEach(async () => {
    await db.dataSource.query('DELETE FROM "outbox_messages"');
  });

  afterAll(async () => {
    await teardown(...extraInstances, consumerSide, producer);
    await db?.drop();
  });

  it('writes the event row only if the surrounding transaction commits', async () => {
    await expect(
      db.dataSource.transaction(async (manager) => {
        await producer.outbox.enqueue(manager, LedgerEntryWritten, { n: -1 });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await pending()).toBe(0);
    await expect(
      producer.outbox.enqueue(db.dataSource.manager, LedgerEntryWritten, { n: -2 }),
    ).rejects.toThrow(/inside the state change's transaction/);
  });

  it('survives a relay killed mid-batch: every committed event reaches the consumer, each with one effect', async () => {
    const consumer = consumerSide.consumers.get('ledger-mails')!;
    const before = { ...consumer.stats };
    await db.dataSource.query('DELETE FROM "effects"');
    const ids = await enqueue(300);

    const child = spawn(
      process.execPath,
      [
        '--conditions=@kasho/source',
        '-r',
        join(__dirname, '../tools/swc-register.cjs'),
        join(__dirname, 'fixtures/outbox-relay-child.ts'),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: db.database.url,
          AMQP_URL: TEST_AMQP_URL,
          NAMESPACE: namespace,
          BATCH_SIZE: '50',
          STALL_ON_BATCH: '2',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      await waitForOutput(child, /^stalled 50$/m, 20_000);
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');

    // Batch 1 is committed; batch 2 was published and confirmed, but its transaction died with the process.
    await waitFor(
      () => consumer.stats.ok - before.ok === 100,
      'the consumer to handle the two published batches',
    );
    expect(await pending()).toBe(250);

    const relay = producer.createOutboxRelay(db.dataSource, { batchSize: 50 });
    await drain(relay);
    await waitFor(async () => (await effects()).total === 300, 'every event to take effect', 15_000);

    expect(await effects()).toEqual({ total: 300, distinct: 300 });
    const [row] = await db.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS "count" FROM "effects" WHERE "event_id" = ANY($1::uuid[])',
      [ids],
    );
    expect(row.count).toBe(300);
    // The 50 events of the abandoned batch went out twice; the inbox absorbed the second copies.
    await waitFor(() => consumer.stats.duplicate - before.duplicate === 50, 'the re-published copies');
  });

  async function runTwoRelays(strictOrder: boolean): Promise<{ order: string[]; byRelay: string[][] }> {
    const order: string[] = [];
    const byRelay: string[][] = [[], []];
    const relays = await Promise.all(
      [0, 1].map(async (index) => {
        const instance = await Messaging.connect(
          testOptions(namespace, 'transaction', { outbox: { relay: false } }),
        );
        extraInstances.push(instance);
        const record = (publisher: OutboxPublisherPort): OutboxPublisherPort => ({
          publishBatch: (messages, timeoutMs) => {
            for (const message of messages) {
              order.push(String(message.options.messageId));
              byRelay[index].push(String(message.options.messageId));
            }
            return publisher.publishBatch(messages, timeoutMs);
          },
        });
        return instance.createOutboxRelay(db.dataSource, { batchSize: 20, strictOrder }, record);
      }),
    );
    await Promise.all(relays.map((relay) => drain(relay)));
    return { order, byRelay };
  }

  it('never lets two concurrent relays publish the same row (SKIP LOCKED, parallel batches)', async () => {
    const ids = await enqueue(400);
    const { order, byRelay } = await runTwoRelays(false);
    expect(order).toHaveLength(400);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(byRelay[0].length).toBeGreaterThan(0);
    expect(byRelay[1].length).toBeGreaterThan(0);
  });

  it('publishes in commit order across relays in strict-order mode, still each row once', async () => {
    const ids = await enqueue(400);
    const { order } = await runTwoRelays(true);
    expect(order).toEqual(ids);
  });

  it('reports the backlog: pending rows and the age of the oldest', async () => {
    const relay = producer.createOutboxRelay(db.dataSource);
    await enqueue(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const backlog = await relay.sampleBacklog();
    expect(backlog.pending).toBe(3);
    expect(backlog.lagSeconds).toBeGreaterThan(0.04);
    expect(await register.getSingleMetricAsString('kasho_outbox_pending_messages')).toContain(
      'kasho_outbox_pending_messages 3',
    );
    await relay.flush();
    await expect(relay.sampleBacklog()).resolves.toEqual({ pending: 0, lagSeconds: 0 });
  });

  it('publishes rows handed over after their commit at once; the relay claims only those left unpublished past the delay', async () => {
    const relay = producer.createOutboxRelay(db.dataSource, { claimDelayMs: 400 });
    const consumer = consumerSide.consumers.get('ledger-mails')!;
    const insert = async (n: number) => {
      const row = outboxRow('transaction', { event: LedgerEntryWritten, payload: { n } });
      // What a batch writer does: the rows in its own statement, in the state change's transaction.
      await db.dataSource.query(
        'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") VALUES ($1, $2, $3::jsonb, $4::jsonb)',
        [row.id, row.type, row.payload, row.headers],
      );
      return row;
    };
    const before = consumer.stats.ok;
    const handedOver = await insert(7001);
    relay.publishCommitted([handedOver]);
    await waitFor(() => consumer.stats.ok === before + 1, 'the handed-over row to be consumed', 5_000);
    await relay.flush();
    const [marked] = await db.dataSource.query<Array<{ published: boolean }>>(
      'SELECT "published_at" IS NOT NULL AS "published" FROM "outbox_messages" WHERE "id" = $1',
      [handedOver.id],
    );
    expect(marked.published).toBe(true);

    // Committed, never handed over (the process died after its commit): young, the relay leaves it to its writer.
    const orphan = await insert(7002);
    expect(await relay.relayOnce()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await relay.relayOnce()).toBe(1);
    await waitFor(() => consumer.stats.ok === before + 2, 'the orphan row to be consumed', 5_000);
    const [{ count }] = await db.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS "count" FROM "effects" WHERE "event_id" = ANY($1)',
      [[handedOver.id, orphan.id]],
    );
    expect(count).toBe(2);
  });

  it("publishes the events a reference row stands for, read back by its kind's expander; an unknown kind waits, marked failed", async () => {
    // A writer whose own rows hold its events: each entry of a batch is one event, its id stored with it.
    await db.dataSource.query(
      'CREATE TABLE "entries" ("batch" uuid NOT NULL, "n" integer NOT NULL, "event_id" uuid NOT NULL)',
    );
    const expander: OutboxExpander = {
      expand: (references, query) =>
        Promise.all(
          references.map(async (reference) => {
            const rows = await query(
              'SELECT "n", "event_id" FROM "entries" WHERE "batch" = $1 ORDER BY "n"',
              [(reference as { batch: string }).batch],
            );
            if (rows.length === 0) return undefined;
            return rows.map((row) =>
              outboxEvent('transaction', {
                event: LedgerEntryWritten,
                payload: { n: row.n as number },
                options: { id: row.event_id as string },
              }),
            );
          }),
        ),
    };
    producer.useOutboxExpander('entries', expander);
    const relay = producer.createOutboxRelay(db.dataSource, { claimDelayMs: 0 });
    const consumer = consumerSide.consumers.get('ledger-mails')!;
    const before = consumer.stats.ok;

    const batch = randomUUID();
    const eventIds = [randomUUID(), randomUUID(), randomUUID()];
    await db.dataSource.query(
      'INSERT INTO "entries" ("batch", "n", "event_id") ' +
        'SELECT $1, 8000 + i::integer, id FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, i)',
      [batch, eventIds],
    );
    const [{ rows }] = await db.dataSource.query<Array<{ rows: Array<{ n: number; event_id: string }> }>>(
      'SELECT json_agg(e ORDER BY e."n") AS "rows" FROM "entries" e WHERE "batch" = $1',
      [batch],
    );
    const row = outboxReferenceRow(
      'entries',
      { batch },
      rows.map((entry) =>
        outboxEvent('transaction', {
          event: LedgerEntryWritten,
          payload: { n: entry.n },
          options: { id: entry.event_id },
        }),
      ),
    );
    await db.dataSource.query(
      'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") VALUES ($1, $2, $3::jsonb, \'{}\')',
      [row.id, row.type, row.payload],
    );
    // Handed over after the commit: its three events go out from memory, the one row is marked.
    relay.publishCommitted([row]);
    await waitFor(() => consumer.stats.ok === before + 3, 'the three events of the row', 5_000);
    await relay.flush();
    expect(await pending()).toBe(0);

    // Lost before it was marked: the relay reads the three back, the same messages, and the inbox drops them.
    await db.dataSource.query('UPDATE "outbox_messages" SET "published_at" = NULL WHERE "id" = $1', [row.id]);
    expect(await relay.relayOnce()).toBe(1);
    expect(await pending()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const effectsOf = async () =>
      db.dataSource.query<Array<{ n: number }>>(
        'SELECT "n" FROM "effects" WHERE "event_id" = ANY($1) ORDER BY "n"',
        [eventIds],
      );
    expect(await effectsOf()).toEqual([{ n: 8001 }, { n: 8002 }, { n: 8003 }]);

    // A reference no expander reads: never published as if it were an event, kept with the reason.
    const unknown = outboxReferenceRow('nobody-reads-this', { batch }, []);
    await db.dataSource.query(
      'INSERT INTO "outbox_messages" ("id", "type", "payload", "headers") VALUES ($1, $2, $3::jsonb, \'{}\')',
      [unknown.id, unknown.type, unknown.payload],
    );
    expect(await relay.relayOnce()).toBe(0);
    const [failed] = await db.dataSource.query<Array<{ attempts: number; last_error: string }>>(
      'SELECT "attempts", "last_error" FROM "outbox_messages" WHERE "id" = $1 AND "published_at" IS NULL',
      [unknown.id],
    );
    expect(failed).toEqual({
      attempts: 1,
      last_error: 'no outbox expander is registered for outbox-reference:nobody-reads-this',
    });
    await db.dataSource.query('DROP TABLE "entries"');
  });

  it("publishes right after the commit when the service's own relay runs (nudged, not polled)", async () => {
    const service = new Messaging(
      testOptions(namespace, 'transaction', { outbox: { pollIntervalMs: 60_000 } }),
      { dataSource: db.dataSource },
    );
    extraInstances.push(service);
    await service.start();
    // Let the relay's first poll pass, so that only a nudge can make it look again within the minute.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const consumer = consumerSide.consumers.get('ledger-mails')!;
    const before = consumer.stats.ok;
    const started = Date.now();
    await db.dataSource.transaction((manager) =>
      service.outbox.enqueue(manager, LedgerEntryWritten, { n: 1000 }),
    );
    await waitFor(() => consumer.stats.ok === before + 1, 'the nudged relay to publish', 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    await service.shutdown();
  });
});

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`child did not print ${String(pattern)}: ${stdout}${stderr}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (pattern.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`child exited (${String(code)}) before printing ${String(pattern)}: ${stdout}${stderr}`),
      );
    });
  });
}
