import { register } from 'prom-client';
import { defineEvent } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { createTestNamespace } from '@kasho/testing';
import { createEventEnvelope, FAILURE_HEADERS, Messaging } from '../src';
import { declareConsumerQueues, consumerTopology, TopologyRegistry } from '../src/topology/topology';
import {
  BrokerProbe,
  createMessagingDatabase,
  sleep,
  teardown,
  testOptions,
  waitFor,
  type MessagingDatabase,
} from './support/messaging-test-kit';

const PaymentFailed = defineEvent<{ paymentId: string }>('payment.payment.failed.v1');
const PaymentSettled = defineEvent<{ paymentId: string }>('payment.payment.settled.v1');
const DELAYS = [50, 100, 200];

describe('event consumers: retries with growing delays, then the parking lot', () => {
  const namespace = createTestNamespace('retry');
  let db: MessagingDatabase;
  let messaging: Messaging;
  let probe: BrokerProbe;
  const attemptsAt: number[] = [];
  let flakyCalls = 0;

  beforeAll(async () => {
    db = await createMessagingDatabase('retry');
    await db.dataSource.query('CREATE TABLE "settlements" ("payment_id" text NOT NULL)');
    messaging = new Messaging(testOptions(namespace, 'notification', { retry: { delaysMs: DELAYS } }), {
      dataSource: db.dataSource,
    });
    messaging.subscribe('always-fails', [PaymentFailed], () => {
      attemptsAt.push(Date.now());
      return Promise.reject(new DomainError(ErrorCode.Conflict, 'the mail provider refused the template'));
    });
    // Writes its effect, then fails twice: the rollback must take the effect and the inbox row with it.
    messaging.subscribe('flaky', [PaymentSettled], async (envelope, manager) => {
      flakyCalls += 1;
      await manager.query('INSERT INTO "settlements" ("payment_id") VALUES ($1)', [
        envelope.payload.paymentId,
      ]);
      if (flakyCalls <= 2) throw new Error('SMTP timeout');
    });
    await messaging.start();
    probe = await BrokerProbe.open();
  });

  afterAll(async () => {
    await probe?.close();
    await teardown(messaging);
    await db?.drop();
  });

  it('retries a failing handler after each delay in turn, then parks the message with its reason', async () => {
    const envelope = createEventEnvelope(
      'payment',
      PaymentFailed,
      { paymentId: 'p-1' },
      { correlationId: 'corr-p1' },
    );
    await messaging.publisher.publish(envelope);

    const consumer = messaging.consumers.get('always-fails')!;
    const parkingLot = consumer.topology.parkingLot;
    await waitFor(
      async () => (await messaging.consumers.sampleParkingLots())[parkingLot] === 1,
      'the message to reach the parking lot',
    );
    expect(await register.getSingleMetricAsString('kasho_parking_lot_messages')).toContain(
      `kasho_parking_lot_messages{queue="${parkingLot}"} 1`,
    );
    const parked = await probe.take(parkingLot);

    // First try plus one per delay; each wait at least as long as its delay, and growing.
    expect(attemptsAt).toHaveLength(DELAYS.length + 1);
    const gaps = attemptsAt.slice(1).map((at, index) => at - attemptsAt[index]);
    gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(DELAYS[index] - 5));
    expect(gaps[2]).toBeGreaterThan(gaps[0]);

    expect(JSON.parse(parked.content.toString())).toEqual(envelope);
    expect(parked.properties.messageId).toBe(envelope.id);
    const headers = parked.properties.headers ?? {};
    expect(headers).toMatchObject({
      [FAILURE_HEADERS.attempts]: 4,
      [FAILURE_HEADERS.errorCode]: 'conflict',
      [FAILURE_HEADERS.parkedReason]: 'retries_exhausted',
      [FAILURE_HEADERS.originalExchange]: `${namespace}kasho.events`,
      [FAILURE_HEADERS.originalRoutingKey]: PaymentFailed.type,
      [FAILURE_HEADERS.consumer]: 'notification.always-fails',
      'x-correlation-id': 'corr-p1',
    });
    expect(String(headers[FAILURE_HEADERS.errorMessage])).toContain('the mail provider refused the template');
    expect(Date.parse(String(headers[FAILURE_HEADERS.parkedAt]))).toBeGreaterThanOrEqual(
      attemptsAt[3] - 1000,
    );

    // Nothing is left behind or lost: the queues are empty, the message is parked exactly once.
    await sleep(100);
    for (const queue of [
      consumer.topology.queue,
      parkingLot,
      ...consumer.topology.waitQueues.map((w) => w.queue),
    ]) {
      expect(await probe.depth(queue)).toBe(0);
    }
    expect(consumer.stats).toMatchObject({ retry: 3, parked: 1, ok: 0 });
  });

  it('keeps neither effect nor inbox row of a failed attempt, and succeeds on a retry exactly once', async () => {
    const envelope = createEventEnvelope('payment', PaymentSettled, { paymentId: 'p-2' });
    await messaging.publisher.publish(envelope);
    const consumer = messaging.consumers.get('flaky')!;
    await waitFor(() => consumer.stats.ok === 1, 'the third attempt to succeed');

    expect(flakyCalls).toBe(3);
    expect(consumer.stats).toMatchObject({ retry: 2, ok: 1, parked: 0 });
    const settlements = await db.dataSource.query<unknown[]>('SELECT * FROM "settlements"');
    expect(settlements).toHaveLength(1);
    const inbox = await db.dataSource.query<Array<{ consumer: string }>>(
      'SELECT "consumer" FROM "inbox_messages" WHERE "message_id" = $1',
      [envelope.id],
    );
    expect(inbox).toEqual([{ consumer: 'notification.flaky' }]);
  });

  it('parks a message that is not an event envelope at once', async () => {
    const consumer = messaging.consumers.get('always-fails')!;
    const before = attemptsAt.length;
    probe.channel.publish(
      `${namespace}kasho.events`,
      PaymentFailed.type,
      Buffer.from('{"not":"an envelope"'),
    );
    const parked = await probe.take(consumer.topology.parkingLot);
    expect(parked.properties.headers).toMatchObject({
      [FAILURE_HEADERS.parkedReason]: 'malformed',
      [FAILURE_HEADERS.attempts]: 0,
    });
    expect(attemptsAt.length).toBe(before);
  });

  it("lets the broker's delivery limit park a message that keeps coming back (a handler that kills its process)", async () => {
    const names = messaging.names;
    const topology = consumerTopology(names, 'notification', 'poison-test', DELAYS);
    const registry = new TopologyRegistry();
    await declareConsumerQueues(probe.channel, names, registry, topology, ['payment.poison.v1'], 2);
    try {
      probe.channel.sendToQueue(topology.queue, Buffer.from('{}'), { messageId: 'poison', persistent: true });
      // Simulate crashes: every delivery goes back to the queue unacknowledged.
      let deliveries = 0;
      const { consumerTag } = await probe.channel.consume(topology.queue, (message) => {
        if (!message) return;
        deliveries += 1;
        probe.channel.nack(message, false, true);
      });
      const parked = await probe.take(topology.parkingLot);
      await probe.channel.cancel(consumerTag);
      expect(deliveries).toBe(3);
      expect(parked.properties.messageId).toBe('poison');
      const deaths = parked.properties.headers?.['x-death'] as Array<{ reason: string; queue: string }>;
      expect(deaths[0]).toMatchObject({ queue: topology.queue, reason: 'delivery_limit' });
    } finally {
      await registry.deleteAll(probe.channel);
    }
  });
});
