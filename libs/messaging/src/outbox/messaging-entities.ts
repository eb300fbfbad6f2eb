import { AddMessagingRetentionIndexes1764300000000 } from './add-messaging-retention-indexes.migration';
import { CreateMessagingTables1764200000000 } from './create-messaging-tables.migration';
import { InboxMessageEntity } from './inbox-message.entity';
import { OutboxMessageEntity } from './outbox-message.entity';

/** The outbox and inbox tables, as entities: a service with a database adds them to its DataSource. */
export const MESSAGING_ENTITIES = [OutboxMessageEntity, InboxMessageEntity] as const;

/**
 * The migrations that build those tables, oldest first: a service lists them before its own, so a new one here
 * reaches every service (TypeORM runs migrations in timestamp order).
 */
export const MESSAGING_MIGRATIONS = [
  CreateMessagingTables1764200000000,
  AddMessagingRetentionIndexes1764300000000,
] as const;
