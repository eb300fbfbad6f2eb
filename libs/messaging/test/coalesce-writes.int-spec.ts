import { connect } from 'amqplib';
import { TEST_AMQP_URL } from '@kasho/testing';
import { coalesceSocketWrites } from '../src/connection/coalesce-writes';

// The write coalescing reaches into amqplib's internals; this holds the pinned version to them, and checks that
// many messages published in one turn arrive complete and in order.
describe('coalesced socket writes', () => {
  it('applies to the pinned amqplib, and a burst published in one turn arrives whole and in order', async () => {
    const model = await connect(TEST_AMQP_URL, { noDelay: true });
    try {
      expect(coalesceSocketWrites(model)).toBe(true);
      const channel = await model.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      const received: number[] = [];
      const all = new Promise<void>((resolve) => {
        void channel.consume(
          queue,
          (message) => {
            if (!message) return;
            received.push(Number(message.content.toString()));
            if (received.length === 500) resolve();
          },
          { noAck: true },
        );
      });
      for (let index = 0; index < 500; index += 1) channel.sendToQueue(queue, Buffer.from(String(index)));
      await all;
      expect(received).toEqual(Array.from({ length: 500 }, (_, index) => index));
    } finally {
      await model.close();
    }
  });

  it('leaves a connection it does not recognise alone', () => {
    expect(coalesceSocketWrites({} as never)).toBe(false);
    expect(coalesceSocketWrites({ connection: { muxer: {}, stream: {} } } as never)).toBe(false);
  });
});
