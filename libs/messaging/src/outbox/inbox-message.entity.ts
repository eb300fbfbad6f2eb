import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A message a consumer has handled, recorded in the transaction of its effect: a redelivery finds the row and has
 * no second effect. Must match `CreateMessagingTables1764200000000` exactly.
 */
@Entity({ name: 'inbox_messages' })
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
