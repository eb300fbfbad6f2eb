import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { MeController } from './me.controller';
import { MfaController } from './mfa.controller';
import { PasswordController } from './password.controller';
import { SessionsController } from './sessions.controller';

/** The Identity routes of API.md: shape checks here, every rule in the auth service (over RPC). */
@Module({
  controllers: [AuthController, SessionsController, MfaController, PasswordController, MeController],
})
export class IdentityModule {}
