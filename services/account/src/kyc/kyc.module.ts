import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { KycHandler } from './kyc.handler';
import { KycRepository } from './kyc.repository';
import { KycService } from './kyc.service';

/** KYC submissions and decisions; tiers and their limits. */
@Module({
  imports: [CustomersModule],
  providers: [KycRepository, KycService, KycHandler],
  exports: [KycRepository, KycService],
})
export class KycModule {}
