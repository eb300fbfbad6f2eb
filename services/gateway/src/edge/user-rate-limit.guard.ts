import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedRequest } from '../auth';
import { EDGE_OPTIONS, type EdgeOptions } from './edge-options';
import { rateLimitedError, setRateLimitHeaders } from './rate-limit-reply';
import { RateLimiter } from './rate-limiter';

interface LimitedReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * The per-user budget (APP_GUARD): global guards run in the order their modules are imported, and the app imports
 * AuthModule before EdgeModule, so the access-token guard has put the verified user on the request by now; a user
 * is counted whatever address they come from. The per-IP budget was spent earlier, in an onRequest hook, before any
 * token was looked at. The headers report the tighter budget. A guard rather than an interceptor: an interceptor
 * wraps every request in an RxJS pipeline, which halved the gateway's throughput on a trivial route (measured).
 */
@Injectable()
export class UserRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(EDGE_OPTIONS) private readonly options: EdgeOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const user = http.getRequest<AuthenticatedRequest>().accessToken?.sub;
    if (user === undefined) return true;
    const decision = await this.limiter.consume('user', user, this.options.userPerMinute);
    if (decision === undefined) return true;
    const reply = http.getResponse<LimitedReply>();
    const ipRemaining = Number(reply.getHeader('ratelimit-remaining') ?? Infinity);
    if (!decision.allowed || decision.remaining <= ipRemaining) setRateLimitHeaders(reply, decision);
    if (!decision.allowed) throw rateLimitedError();
    return true;
  }
}
