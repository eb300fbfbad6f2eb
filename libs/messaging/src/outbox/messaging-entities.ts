import { InboxMessageEntity } from './inbox-message.entity';
import { OutboxMessageEntity } from './outbox-message.entity';

export const MESSAGING_ENTITIES = [OutboxMessageEntity, InboxMessageEntity] as const;
