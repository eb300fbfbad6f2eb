import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { KycModule } from '../kyc/kyc.module';
import { WalletsModule } from '../wallets/wallets.module';
import { PrivacyHandler } from './privacy.handler';
import { PrivacyService } from './privacy.service';

/** GDPR export (gathered from every privacy participant) and erasure (crypto-shredding, then an event). */
@Module({
  imports: [CustomersModule, WalletsModule, KycModule],
  providers: [PrivacyService, PrivacyHandler],
})
export class PrivacyModule {}
