import {
  accountRpc,
  type IncomingCheck,
  type IncomingCheckRequest,
  type LimitReservation,
  type LimitsRequest,
  type LimitsView,
  type ReleaseLimitRequest,
  type ReserveLimitRequest,
} from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';
import { LimitsService } from './limits.service';

/** RPC adapter for the payment service: one line per method. */
@Injectable()
export class LimitsHandler {
  constructor(private readonly limits: LimitsService) {}

  @RpcHandler(accountRpc.limits)
  get(request: LimitsRequest): Promise<LimitsView> {
    return this.limits.limits(request);
  }

  @RpcHandler(accountRpc.reserveLimit)
  reserve(request: ReserveLimitRequest): Promise<LimitReservation> {
    return this.limits.reserve(request);
  }

  @RpcHandler(accountRpc.checkIncoming)
  checkIncoming(request: IncomingCheckRequest): Promise<IncomingCheck> {
    return this.limits.checkIncoming(request);
  }

  @RpcHandler(accountRpc.releaseLimit)
  async release(request: ReleaseLimitRequest): Promise<Record<string, never>> {
    await this.limits.release(request);
    return {};
  }
}
