import { AUDIT_ENTITIES } from '@kasho/audit';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { CustomerKeyEntity } from './customers/customer-key.entity';
import { CustomerEntity } from './customers/customer.entity';
import { KycSubmissionEntity } from './kyc/kyc-submission.entity';
import { LimitReservationEntity } from './limits/limit-reservation.entity';
import { accountMigrations } from './migrations';
import { WalletEntity } from './wallets/wallet.entity';

/** The account database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const accountSchema: ServiceSchema = {
  entities: [
    ...MESSAGING_ENTITIES,
    ...AUDIT_ENTITIES,
    CustomerEntity,
    CustomerKeyEntity,
    WalletEntity,
    KycSubmissionEntity,
    LimitReservationEntity,
  ],
  migrations: accountMigrations,
};
