import { Module } from '@nestjs/common';
import { LedgerReadsModule } from '../ledger/reads';
import { PrivacyHandler } from './privacy.handler';
import { PrivacyRepository } from './privacy.repository';
import { PrivacyService } from './privacy.service';

/** The ledger's part of the privacy contract (export; erasure keeps the pseudonymous history). */
@Module({ imports: [LedgerReadsModule], providers: [PrivacyRepository, PrivacyService, PrivacyHandler] })
export class PrivacyModule {}
