import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { MfaCodeThrottle } from './mfa-code-throttle';
import { TwoFactorHandler } from './two-factor.handler';
import { TwoFactorRepository } from './two-factor.repository';
import { TwoFactorService } from './two-factor.service';

/** TOTP factor self-service and the second sign-in factor. */
@Module({
  imports: [UsersModule, SessionsModule],
  providers: [MfaCodeThrottle, TwoFactorRepository, TwoFactorService, TwoFactorHandler],
  exports: [TwoFactorService, TwoFactorRepository],
})
export class TwoFactorModule {}
