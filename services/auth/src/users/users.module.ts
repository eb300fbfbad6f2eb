import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersHandler } from './users.handler';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Users: registration, email verification, `me`; exports the repository the sign-in features read. */
@Module({
  imports: [SessionsModule],
  providers: [UsersRepository, UsersService, UsersHandler],
  exports: [UsersRepository],
})
export class UsersModule {}
