import { defineEvent, defineRpc } from '@kasho/contracts';
import { createTestNamespace } from '@kasho/testing';
import { createEventEnvelope, Messaging } from '../src';
import {
  closeConnectionFromBroker,
  type RecordingLogger,
  teardown,
  testOptions,
  waitFor,
} from './support/messaging-test-kit';

const PaymentCaptured = defineEvent<{ n: number }>('payment.payment.captured.v1');
const Ping = defineRpc<{ n: number }, { n: number }>('payment', 'ping');

describe('connection and channel recovery', () => {
  const namespace = createTestNamespace('recovery');
  const options = testOptions(namespace, 'payment');
  let messaging: Messaging;
  const received = new Set<string>();

  beforeAll(async () => {
    messaging = new Messaging(options);
    messaging.subscribeIdempotent('capture-log', [PaymentCaptured], (envelope) => {
      received.add(envelope.id);
      return Promise.resolve();
    });
    messaging.rpcServer.handle(Ping, ({ n }) => ({ n }));
    await messaging.start();
  });

  afterAll(async () => {
    await teardown(messaging);
  });

  it('recovers publishing (with confirms) and consuming after the broker closes the connection; no confirmed message is lost', async () => {
    const confirmed: string[] = [];
    let killed: Promise<void> | undefined;
    let killDone = false;
    let confirmedAtKill = 0;

    // Eight paced publishers keep going until well after the broker-side close has landed.
    const publisher = async (): Promise<void> => {
      while (!killDone || confirmed.length < confirmedAtKill + 200) {
        const envelope = createEventEnvelope('payment', PaymentCaptured, { n: confirmed.length });
        await messaging.publisher.publish(envelope);
        confirmed.push(envelope.id);
        if (!killed && confirmed.length >= 100) {
          killed = closeConnectionFromBroker(options.connectionName!).then(() => {
            killDone = true;
            confirmedAtKill = confirmed.length;
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await Promise.all(Array.from({ length: 8 }, publisher));
    await killed;

    expect(messaging.connection.reconnections).toBeGreaterThanOrEqual(1);
    const logs = (options.logger as RecordingLogger).messages('warn');
    expect(logs.some((line) => line.includes('AMQP connection lost'))).toBe(true);

    await waitFor(
      () => confirmed.every((id) => received.has(id)),
      'every confirmed event at the consumer',
      15_000,
    );
    expect(messaging.isHealthy()).toBe(true);
    await expect(messaging.rpcClient.call(Ping, { n: 7 })).resolves.toEqual({ n: 7 });
  });

  it('fails RPC calls in flight with service_unavailable when the connection drops, then serves again', async () => {
    const SlowPing = defineRpc<Record<string, never>, string>('payment', 'slow.ping');
    let release: (value: string) => void = () => undefined;
    const held = new Promise<string>((resolve) => (release = resolve));
    messaging.rpcServer.handle(SlowPing, () => held);
    const inFlight = messaging.rpcClient.call(SlowPing, {}, { timeoutMs: 20_000 });
    await closeConnectionFromBroker(options.connectionName!);
    await expect(inFlight).rejects.toMatchObject({ code: 'service_unavailable', retryable: true });
    await waitFor(() => messaging.isHealthy(), 'the reconnection');
    await expect(messaging.rpcClient.call(Ping, { n: 8 })).resolves.toEqual({ n: 8 });
    release('done');
  });

  it('reopens a channel closed by a channel-level error, on the same connection', async () => {
    const reconnections = messaging.connection.reconnections;
    const probe = messaging.connection.createChannel('probe', { confirm: false });
    await messaging.connection.openNow(probe);
    const first = await probe.get(1_000);
    await expect(first.checkQueue(`${namespace}no-such-queue`)).rejects.toThrow(/404|NOT_FOUND/);
    await waitFor(() => probe.current() !== undefined && probe.current() !== first, 'the channel to reopen');
    await expect(probe.current()!.checkExchange(messaging.names.eventsExchange)).resolves.toBeDefined();
    expect(messaging.connection.reconnections).toBe(reconnections);
    await probe.close();
  });
});
