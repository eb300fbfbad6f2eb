import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A message a consumer has handled, recorded in the transaction of its effect: a redelivery finds the row and has
 * no second effect. Must match `CreateMessagingTables1764200000000` and `AddMessagingRetentionIndexes1764300000000`
 * exactly. Pruned by `MessagingRetention` after `retention.inboxDays`.
 */
@Entity({ name: 'inbox_messages' })
@Index('IDX_inbox_messages_processed_at', ['processedAt'])
export class InboxMessageEntity {
  /** `<service>.<consumer name>`. */
  @PrimaryColumn({
    type: 'varchar',
    name: 'consumer',
    length: 200,
    primaryKeyConstraintName: 'PK_inbox_messages',
  })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid', name: 'message_id', primaryKeyConstraintName: 'PK_inbox_messages' })
  messageId!: string;

  @Column({ type: 'timestamptz', name: 'processed_at', default: () => 'now()' })
  processedAt!: Date;
}
