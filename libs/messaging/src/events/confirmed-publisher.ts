import type { ConfirmChannel, Options } from 'amqplib';
import { errorMessage, sleep } from '../common/async-utils';
import { brokerUnavailable } from '../connection/broker-unavailable';
import type { AmqpConnectionManager } from '../connection/connection-manager';
import type { ManagedChannel } from '../connection/managed-channel';

export interface OutboundMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

class ConfirmTimeoutError extends Error {
  constructor() {
    super('the broker did not confirm in time');
  }
}

function confirmOne(channel: ConfirmChannel, message: OutboundMessage, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ConfirmTimeoutError()), timeoutMs);
    try {
      channel.publish(
        message.exchange,
        message.routingKey,
        message.content,
        message.options,
        (error: unknown) => {
          clearTimeout(timer);
          if (error)
            reject(error instanceof Error ? error : new Error('the broker refused the message (nack)'));
          else resolve();
        },
      );
    } catch (error) {
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * Publishes on a confirm channel. Resolving means the broker has the message (for a quorum queue: replicated to a
 * majority). A publish whose channel or connection died before the confirm is sent again on the next channel,
 * until the deadline: at-least-once, which the consumers' inbox turns into exactly-once in effect.
 */
export class ConfirmedPublisher {
  private readonly channel: ManagedChannel<ConfirmChannel>;

  constructor(connection: AmqpConnectionManager) {
    this.channel = connection.createChannel('publisher', { confirm: true });
  }

  async publish(message: OutboundMessage, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (let attempt = 1; ; attempt += 1) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw brokerUnavailable(
          `The message broker did not confirm the message: ${errorMessage(lastError)}`,
          lastError,
        );
      }
      const channel = this.channel.current() ?? (await this.channel.get(remaining));
      try {
        await confirmOne(channel, message, remaining);
        return;
      } catch (error) {
        lastError = error;
        if (error instanceof ConfirmTimeoutError) {
          throw brokerUnavailable('The message broker did not confirm the message in time.', error);
        }
        await sleep(Math.min(20 * attempt, 200));
      }
    }
  }

  /**
   * Publishes the messages in order on one channel without waiting between them, then reports for each whether
   * the broker confirmed it. Nothing is retried here: the outbox relay leaves unconfirmed rows for its next round.
   */
  async publishBatch(messages: readonly OutboundMessage[], timeoutMs: number): Promise<boolean[]> {
    const channel = this.channel.current() ?? (await this.channel.get(timeoutMs));
    return Promise.all(
      messages.map((message) =>
        confirmOne(channel, message, timeoutMs).then(
          () => true,
          () => false,
        ),
      ),
    );
  }
}
