export { Messaging } from './messaging';
export type { MessagingDependencies } from './messaging';
export { resolveMessagingOptions, DEFAULT_RETRY_DELAYS_MS } from './messaging-options';
export type { MessagingOptions, ResolvedMessagingOptions } from './messaging-options';

export { RpcClient } from './rpc/rpc-client';
export type { RpcCallOptions } from './rpc/rpc-client';
export { RpcServer } from './rpc/rpc-server';
export type { RpcHandlerContext, RpcHandlerFunction } from './rpc/rpc-server';

export { EventPublisher } from './events/event-publisher';
export { createEventEnvelope, parseEventEnvelope } from './events/event-envelope';
export type { EnvelopeOptions, EventTypeOf } from './events/event-envelope';
export { EventConsumer, EventConsumers, NoEventHandlerError } from './events/event-consumer';
export type { IdempotentHandlerFunction, InboxHandlerFunction } from './events/event-consumer';
export { FAILURE_HEADERS } from './events/retry-policy';
export type { ParkReason } from './events/retry-policy';

export { Outbox, outboxEvent, outboxReferenceRow, outboxRow, OUTBOX_REFERENCE_PREFIX } from './outbox/outbox';
export type {
  OutboxEvent,
  OutboxExpander,
  OutboxItem,
  OutboxQuery,
  OutboxReferenceRow,
  OutboxRow,
} from './outbox/outbox';
export { OutboxRelay } from './outbox/outbox-relay';
export type { CommittedOutboxRow, OutboxPublisherPort } from './outbox/outbox-relay';
export type { OutboundMessage } from './events/confirmed-publisher';
export { OutboxMessageEntity } from './outbox/outbox-message.entity';
export { InboxMessageEntity } from './outbox/inbox-message.entity';
export { CreateMessagingTables1764200000000 } from './outbox/create-messaging-tables.migration';
export { AddMessagingRetentionIndexes1764300000000 } from './outbox/add-messaging-retention-indexes.migration';
export { MessagingRetention } from './outbox/messaging-retention';
export type { MessagingRetentionOptions, RetentionRound } from './outbox/messaging-retention';

export { TopologyNames } from './topology/topology';
export { AmqpConnectionManager } from './connection/connection-manager';
export { CORRELATION_ID_HEADER } from './common/message-headers';
// Re-exported for the services that already import it from here; it lives in @kasho/logging.
export { uuidv7, isUuid } from '@kasho/logging';

export { MessagingModule, MESSAGING_OPTIONS } from './nest/messaging.module';
export type { MessagingModuleAsyncOptions } from './nest/messaging.module';
export { EventHandler, IdempotentEventHandler, RpcHandler } from './nest/messaging.decorators';
export type { EventHandlerOptions } from './nest/messaging.decorators';

/** What a service with a database adds: the entities to its DataSource, the migrations before its own. */
export { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from './outbox/messaging-entities';
