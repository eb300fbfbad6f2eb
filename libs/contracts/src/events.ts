import type { ServiceName } from './services';

/**
 * Every domain event travels in this envelope on the `kasho.events` topic exchange. `type` is the routing key,
 * past tense and versioned (`transaction.transfer.posted.v1`); `id` is what inboxes deduplicate on.
 */
export interface EventEnvelope<Payload> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  producer: ServiceName;
  correlationId: string;
  causationId?: string;
  payload: Payload;
}

/** A typed event: its routing key and version, with the payload type carried as a phantom field. */
export interface EventContract<Payload> {
  readonly type: string;
  readonly version: number;
  readonly payload?: Payload;
}

export function defineEvent<Payload>(type: string): EventContract<Payload> {
  const match = /\.v(\d+)$/.exec(type);
  if (!match) throw new Error(`Event type "${type}" must end with its version, e.g. ".v1"`);
  return { type, version: Number(match[1]) };
}

export type EventPayloadOf<C> = C extends EventContract<infer Payload> ? Payload : never;
