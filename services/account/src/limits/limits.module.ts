import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { WalletsModule } from '../wallets/wallets.module';
import { LimitsHandler } from './limits.handler';
import { LimitsRepository } from './limits.repository';
import { LimitsService } from './limits.service';

/** Tier limits and the atomic reservation of a customer's outgoing allowance. */
@Module({
  imports: [CustomersModule, WalletsModule],
  providers: [LimitsRepository, LimitsService, LimitsHandler],
  exports: [LimitsService],
})
export class LimitsModule {}
