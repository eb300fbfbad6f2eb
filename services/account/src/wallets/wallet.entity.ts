import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * A customer's wallet: a ledger account (whose id is fixed before the ledger is asked to create it) plus its
 * status. `opening` until the ledger confirmed the account; the recovery job finishes wallets a crash left there.
 */
@Entity({ name: 'wallets' })
@Unique('UQ_wallets_ledger_account', ['ledgerAccountId'])
@Index('IDX_wallets_customer', ['customerId', 'createdAt'])
@Index('IDX_wallets_opening', ['createdAt'], { where: `"status" = 'opening'` })
export class WalletEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_wallets' })
  id!: string;

  @Column({ type: 'uuid', name: 'customer_id' })
  customerId!: string;

  @Column({ type: 'text', name: 'currency' })
  currency!: string;

  @Column({ type: 'text', name: 'status' })
  status!: 'opening' | 'active' | 'frozen' | 'closed';

  @Column({ type: 'text', name: 'nickname', nullable: true })
  nickname!: string | null;

  @Column({ type: 'uuid', name: 'ledger_account_id' })
  ledgerAccountId!: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt!: Date | null;
}
