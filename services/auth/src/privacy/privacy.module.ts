import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { PrivacyHandler } from './privacy.handler';
import { PrivacyRepository } from './privacy.repository';
import { PrivacyService } from './privacy.service';

/** Identity's part of the privacy contract: export, and erasure on the account service's event. */
@Module({
  imports: [SessionsModule],
  providers: [PrivacyRepository, PrivacyService, PrivacyHandler],
})
export class PrivacyModule {}
