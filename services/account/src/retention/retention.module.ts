import { Module } from '@nestjs/common';
import { KycModule } from '../kyc/kyc.module';
import { KycRetentionService } from './kyc-retention.service';

/** The periodic purge of KYC material after accounts close. */
@Module({ imports: [KycModule], providers: [KycRetentionService] })
export class RetentionModule {}
