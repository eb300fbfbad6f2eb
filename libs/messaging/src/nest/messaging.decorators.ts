import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import type { EventContract, EventEnvelope, RpcContract } from '@kasho/contracts';
import type { ConsumerMode } from '../events/event-consumer';
import { assertConsumerName } from '../topology/topology';
import type { RpcHandlerContext } from '../rpc/rpc-server';

export const RPC_HANDLER_METADATA = 'kasho:messaging:rpc-handler';
export const EVENT_HANDLER_METADATA = 'kasho:messaging:event-handlers';

export interface EventHandlerMetadata {
  eventType: string;
  consumer: string;
  mode: ConsumerMode;
}

export interface EventHandlerOptions {
  /** The queue `<service>.<consumer>`; several methods may share one consumer, one per event type. */
  consumer: string;
}

function addEventHandler(method: unknown, metadata: EventHandlerMetadata): void {
  assertConsumerName(metadata.consumer);
  const target = method as object;
  const existing =
    (Reflect.getMetadata(EVENT_HANDLER_METADATA, target) as EventHandlerMetadata[] | undefined) ?? [];
  Reflect.defineMetadata(EVENT_HANDLER_METADATA, [...existing, metadata], target);
}

/**
 * Serves `contract` (which must belong to this service) with the decorated method. The method's signature is
 * checked against the contract: `(request, context) => response | Promise<response>`.
 */
export function RpcHandler<Request, Response>(contract: RpcContract<Request, Response>) {
  return <M extends (request: Request, context: RpcHandlerContext) => Promise<Response> | Response>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    Reflect.defineMetadata(RPC_HANDLER_METADATA, contract, descriptor.value as object);
  };
}

/**
 * Handles an event with an inbox: the method runs in a database transaction (use the `manager` it receives for
 * every write) in which the message id is recorded first, so a redelivery has no second effect. The message is
 * acknowledged after the commit; a throw retries with growing delays, then parks the message.
 */
export function EventHandler<P>(event: EventContract<P> | string, options: EventHandlerOptions) {
  return <M extends (envelope: EventEnvelope<P>, manager: EntityManager) => Promise<void>>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const eventType = typeof event === 'string' ? event : event.type;
    addEventHandler(descriptor.value, { eventType, consumer: options.consumer, mode: 'inbox' });
  };
}

/**
 * Handles an event without an inbox or database, for work that is naturally idempotent (a redelivery simply runs
 * it again). Services without a database (the gateway) can only use this one.
 */
export function IdempotentEventHandler<P>(event: EventContract<P> | string, options: EventHandlerOptions) {
  return <M extends (envelope: EventEnvelope<P>) => Promise<void>>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const eventType = typeof event === 'string' ? event : event.type;
    addEventHandler(descriptor.value, { eventType, consumer: options.consumer, mode: 'idempotent' });
  };
}
