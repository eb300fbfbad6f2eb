import { Module } from '@nestjs/common';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

/** accounts.create and accounts.lookup. */
@Module({ providers: [AccountsRepository, AccountsService, AccountsHandler] })
export class AccountsModule {}
