import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TwoFactorModule } from '../two-factor/two-factor.module';
import { UsersModule } from '../users/users.module';
import { CredentialsHandler } from './credentials.handler';
import { CredentialsService } from './credentials.service';

/** Password forgot / reset / change. */
@Module({
  imports: [UsersModule, SessionsModule, TwoFactorModule, LoginModule],
  providers: [CredentialsService, CredentialsHandler],
})
export class CredentialsModule {}
