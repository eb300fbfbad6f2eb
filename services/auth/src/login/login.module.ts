import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { TwoFactorModule } from '../two-factor/two-factor.module';
import { UsersModule } from '../users/users.module';
import { LoginHandler } from './login.handler';
import { LoginService } from './login.service';
import { LoginThrottle } from './login-throttle';

/** Sign-in with password and second factor, throttling and lockout. */
@Module({
  imports: [UsersModule, SessionsModule, TwoFactorModule],
  providers: [LoginThrottle, LoginService, LoginHandler],
  exports: [LoginThrottle],
})
export class LoginModule {}
