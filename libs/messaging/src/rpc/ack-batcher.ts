import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * Acknowledges the deliveries of one channel in batches: at the end of the event-loop turn, one `multiple` ack
 * covers the longest run of finished deliveries at the head (in delivery-tag order), and finished deliveries behind
 * an unfinished one are acked singly, so a slow handler never holds back the others' acks. Under load this turns
 * dozens of ack frames per turn into one, which the broker (on the same cores, locally) has to process.
 */
export class AckBatcher {
  private readonly outstanding: ConsumeMessage[] = [];
  private readonly finished = new Set<number>();
  private scheduled = false;

  constructor(readonly channel: Channel) {}

  track(message: ConsumeMessage): void {
    this.outstanding.push(message);
  }

  finish(message: ConsumeMessage): void {
    this.finished.add(message.fields.deliveryTag);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends the acks now (also called at shutdown, before the channel closes). */
  flush(): void {
    this.scheduled = false;
    let head = 0;
    while (head < this.outstanding.length && this.finished.has(this.outstanding[head].fields.deliveryTag))
      head += 1;
    try {
      if (head > 0) {
        this.channel.ack(this.outstanding[head - 1], true);
        for (const message of this.outstanding.splice(0, head))
          this.finished.delete(message.fields.deliveryTag);
      }
      if (this.finished.size > 0) {
        for (let index = this.outstanding.length - 1; index >= 0; index -= 1) {
          const message = this.outstanding[index];
          if (!this.finished.delete(message.fields.deliveryTag)) continue;
          this.channel.ack(message);
          this.outstanding.splice(index, 1);
        }
      }
    } catch {
      // The channel is gone, and with it every unacknowledged delivery: the broker redelivers them.
      this.outstanding.length = 0;
      this.finished.clear();
    }
  }
}
