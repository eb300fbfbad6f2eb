import { Module } from '@nestjs/common';
import { SessionsHandler } from './sessions.handler';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Sessions, refresh-token rotation and the revocation list. Signing keys and core helpers come from global modules. */
@Module({
  providers: [SessionsRepository, SessionsService, SessionsHandler],
  exports: [SessionsService],
})
export class SessionsModule {}
