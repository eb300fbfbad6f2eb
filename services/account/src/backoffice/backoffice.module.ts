import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { KycModule } from '../kyc/kyc.module';
import { WalletsModule } from '../wallets/wallets.module';
import { CustomersAdminHandler } from './customers-admin.handler';
import { CustomersAdminService } from './customers-admin.service';

/** Staff search and view of customers (masked for support, full for compliance), every read audited. */
@Module({
  imports: [CustomersModule, WalletsModule, KycModule],
  providers: [CustomersAdminService, CustomersAdminHandler],
})
export class BackofficeModule {}
