import { Module } from '@nestjs/common';
import { IdentityRetentionRepository } from './identity-retention.repository';
import { IdentityRetentionService } from './identity-retention.service';

/** The periodic deletion of dead tokens, challenges and old sessions (never the audit log). */
@Module({
  providers: [IdentityRetentionRepository, IdentityRetentionService],
  exports: [IdentityRetentionService],
})
export class IdentityRetentionModule {}
