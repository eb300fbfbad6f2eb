import type { Channel, ConsumeMessage } from 'amqplib';
import { AckBatcher } from './ack-batcher';

function delivery(tag: number): ConsumeMessage {
  return { fields: { deliveryTag: tag } } as unknown as ConsumeMessage;
}

function recordingChannel(): { channel: Channel; acks: Array<[number, boolean]> } {
  const acks: Array<[number, boolean]> = [];
  const channel = {
    ack: (message: ConsumeMessage, allUpTo = false) => acks.push([message.fields.deliveryTag, allUpTo]),
  } as unknown as Channel;
  return { channel, acks };
}

describe('AckBatcher', () => {
  it('acks a finished run at the head with one multiple ack and finished stragglers singly', () => {
    const { channel, acks } = recordingChannel();
    const batcher = new AckBatcher(channel);
    const messages = [1, 2, 3, 4, 5, 6].map(delivery);
    messages.forEach((message) => batcher.track(message));
    // 4 is still running: 1-3 go as one multiple ack, 5 and 6 one by one, 4 waits.
    for (const tag of [2, 1, 3, 5, 6]) batcher.finish(messages[tag - 1]);
    batcher.flush();
    expect(acks).toEqual([
      [3, true],
      [6, false],
      [5, false],
    ]);
    acks.length = 0;
    batcher.finish(messages[3]);
    batcher.flush();
    expect(acks).toEqual([[4, true]]);
  });

  it('never acks a delivery that has not finished', () => {
    const { channel, acks } = recordingChannel();
    const batcher = new AckBatcher(channel);
    [1, 2].map(delivery).forEach((message) => batcher.track(message));
    batcher.flush();
    expect(acks).toEqual([]);
  });
});
