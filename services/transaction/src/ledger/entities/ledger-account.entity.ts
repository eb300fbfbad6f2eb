import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A ledger account and its four running totals (bigint minor units; pg returns them as strings). Written by the
 * ledger writer's set-based statements, never through `save`. Must match CreateLedgerTables1765000000000.
 */
@Entity({ name: 'ledger_accounts' })
@Index('IDX_ledger_accounts_type_currency', ['type', 'currency'])
@Check(
  'CHK_ledger_accounts_type',
  `"type" IN ('customer_wallet', 'settlement', 'fees', 'provider_clearing', 'payouts_in_transit', 'fx')`,
)
@Check(
  'CHK_ledger_accounts_amounts',
  `"debits_pending" >= 0 AND "debits_posted" >= 0 AND "credits_pending" >= 0 AND "credits_posted" >= 0`,
)
@Check(
  'CHK_ledger_accounts_debits_limit',
  `NOT "debits_must_not_exceed_credits" OR "debits_pending"::numeric + "debits_posted" <= "credits_posted"`,
)
@Check(
  'CHK_ledger_accounts_credits_limit',
  `NOT "credits_must_not_exceed_debits" OR "credits_pending"::numeric + "credits_posted" <= "debits_posted"`,
)
export class LedgerAccountEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_ledger_accounts' })
  id!: string;

  @Column({ type: 'text', name: 'type' })
  type!: string;

  @Column({ type: 'char', length: 3, name: 'currency' })
  currency!: string;

  @Column({ type: 'boolean', name: 'debits_must_not_exceed_credits' })
  debitsMustNotExceedCredits!: boolean;

  @Column({ type: 'boolean', name: 'credits_must_not_exceed_debits' })
  creditsMustNotExceedDebits!: boolean;

  @Column({ type: 'bigint', name: 'debits_pending', default: 0 })
  debitsPending!: string;

  @Column({ type: 'bigint', name: 'debits_posted', default: 0 })
  debitsPosted!: string;

  @Column({ type: 'bigint', name: 'credits_pending', default: 0 })
  creditsPending!: string;

  @Column({ type: 'bigint', name: 'credits_posted', default: 0 })
  creditsPosted!: string;

  /** The sequence of the account's last balance_history row (0 before its first transfer). */
  @Column({ type: 'bigint', name: 'last_sequence', default: 0 })
  lastSequence!: string;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'jsonb', name: 'metadata', default: () => "'{}'" })
  metadata!: Record<string, string>;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
