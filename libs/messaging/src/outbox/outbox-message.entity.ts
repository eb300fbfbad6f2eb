import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be published, written in the same transaction as the state change it records. Must match
 * `CreateMessagingTables1764200000000` and `AddMessagingRetentionIndexes1764300000000` exactly: the services' drift check compares the two.
 */
@Entity({ name: 'outbox_messages' })
@Index('IDX_outbox_messages_unpublished', ['sequence'], { where: '"published_at" IS NULL' })
@Index('IDX_outbox_messages_published_at', ['publishedAt'], { where: '"published_at" IS NOT NULL' })
export class OutboxMessageEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_outbox_messages' })
  id!: string;

  /** Commit order for the relay. A bigint: pg returns it as a string. */
  @Column({ type: 'bigint', name: 'sequence', generated: 'identity', generatedIdentity: 'ALWAYS' })
  sequence!: string;

  @Column({ type: 'varchar', name: 'type', length: 255 })
  type!: string;

  /** The whole event envelope, published as is. */
  @Column({ type: 'jsonb', name: 'payload' })
  payload!: unknown;

  /** AMQP headers captured at enqueue time: trace context and correlation id of the originating work. */
  @Column({ type: 'jsonb', name: 'headers' })
  headers!: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'integer', name: 'attempts', default: 0 })
  attempts!: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;
}
