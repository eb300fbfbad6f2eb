import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { backoffDelay, errorMessage } from '../common/async-utils';
import { brokerUnavailable } from './broker-unavailable';
import type { MessagingLogger } from '../common/messaging-logger';

export interface ManagedChannelOptions<T extends Channel> {
  confirm: boolean;
  /** Runs on every fresh channel before anyone may use it: prefetch, consume, listeners. */
  setup?: (channel: T) => Promise<void>;
  /** The channel is gone (channel error or connection loss): fail what can no longer complete. */
  onLost?: () => void;
}

interface Waiter<T> {
  resolve(channel: T): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/** What a managed channel needs from its connection manager. */
export interface ChannelHost {
  readonly currentModel: ChannelModel | undefined;
  readonly reconnectBackoff: { initialDelayMs: number; maxDelayMs: number };
  forget(channel: ManagedChannel<Channel>): void;
}

/**
 * A channel that outlives the AMQP channel under it. After a channel error it reopens on the same connection; after
 * a connection loss the manager reopens it on the new one. Either way its setup (prefetch, consumers) runs again,
 * and callers of `get()` wait, for a bounded time, instead of failing while it happens.
 */
export class ManagedChannel<T extends Channel = Channel> {
  private channel: T | undefined;
  private opening: Promise<void> | undefined;
  private readonly waiters = new Set<Waiter<T>>();
  private reopenAttempt = 0;
  private reopenTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly host: ChannelHost,
    readonly name: string,
    private readonly options: ManagedChannelOptions<T>,
    private readonly logger: MessagingLogger,
  ) {}

  /** The open channel, if any: the hot path checks this before paying for a promise. */
  current(): T | undefined {
    return this.channel;
  }

  get(timeoutMs: number): Promise<T> {
    if (this.channel) return Promise.resolve(this.channel);
    if (this.closed || timeoutMs <= 0) return Promise.reject(brokerUnavailable());
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(brokerUnavailable());
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Opens the channel on `model` unless one is open already; serialised so a consumer never starts twice. */
  async open(model: ChannelModel): Promise<void> {
    while (this.opening) await this.opening.catch(() => undefined);
    if (this.channel || this.closed) return;
    this.opening = this.openOn(model);
    try {
      await this.opening;
    } finally {
      this.opening = undefined;
    }
  }

  private async openOn(model: ChannelModel): Promise<void> {
    const channel = (
      this.options.confirm ? await model.createConfirmChannel() : await model.createChannel()
    ) as T;
    let closedDuringSetup = false;
    channel.on('error', (error: Error) =>
      this.logger.warn(`AMQP channel ${this.name} failed: ${error.message}`),
    );
    channel.on('close', () => {
      closedDuringSetup = true;
      this.onChannelClosed(channel);
    });
    if (this.options.setup) await this.options.setup(channel);
    if (closedDuringSetup) throw new Error(`AMQP channel ${this.name} closed during setup`);
    this.channel = channel;
    this.reopenAttempt = 0;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(channel);
    }
    this.waiters.clear();
  }

  /** The connection is gone; the manager will call `open` on the next one. */
  detach(): void {
    if (!this.channel) return;
    this.channel = undefined;
    this.options.onLost?.();
  }

  private onChannelClosed(channel: T): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.options.onLost?.();
    if (!this.closed) this.scheduleReopen();
  }

  // A channel also closes when its connection does; the short delay lets the connection's own close arrive first,
  // so we only reopen here when the connection is still alive (a channel-level error).
  private scheduleReopen(): void {
    if (this.reopenTimer) return;
    this.reopenAttempt += 1;
    const delay = backoffDelay(this.reopenAttempt, 50, this.host.reconnectBackoff.maxDelayMs);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      const model = this.host.currentModel;
      if (!model || this.closed || this.channel) return;
      this.open(model).catch((error: unknown) => {
        this.logger.warn(`Reopening AMQP channel ${this.name} failed: ${errorMessage(error)}`);
        if (this.host.currentModel === model) this.scheduleReopen();
      });
    }, delay);
    this.reopenTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reopenTimer);
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(brokerUnavailable('The messaging client is shut down.'));
    }
    this.waiters.clear();
    const channel = this.channel;
    this.channel = undefined;
    this.host.forget(this as unknown as ManagedChannel<Channel>);
    if (channel) await channel.close().catch(() => undefined);
  }
}

export type ManagedConfirmChannel = ManagedChannel<ConfirmChannel>;
