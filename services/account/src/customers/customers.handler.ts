import {
  accountRpc,
  type CallerContext,
  type EventEnvelope,
  identityEvents,
  type ProfileView,
  type UpdateProfileRequest,
  type UserRegisteredPayload,
} from '@kasho/contracts';
import { EventHandler, RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { CustomersService } from './customers.service';

/** RPC and event adapter: one line per method. */
@Injectable()
export class CustomersHandler {
  constructor(private readonly customers: CustomersService) {}

  @EventHandler(identityEvents.userRegistered, { consumer: 'identity' })
  onUserRegistered(envelope: EventEnvelope<UserRegisteredPayload>, manager: EntityManager): Promise<void> {
    return this.customers.onUserRegistered(envelope, manager);
  }

  @RpcHandler(accountRpc.getProfile)
  getProfile(caller: CallerContext): Promise<ProfileView> {
    return this.customers.getProfile(caller);
  }

  @RpcHandler(accountRpc.updateProfile)
  updateProfile(request: UpdateProfileRequest): Promise<ProfileView> {
    return this.customers.updateProfile(request);
  }
}
