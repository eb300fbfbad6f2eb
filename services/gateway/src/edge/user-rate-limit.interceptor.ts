import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { from, type Observable, switchMap } from 'rxjs';
import { type AuthenticatedRequest } from '../auth';
import { EDGE_OPTIONS, type EdgeOptions } from './edge-options';
import { rateLimitedError, setRateLimitHeaders } from './rate-limit-reply';
import { RateLimiter } from './rate-limiter';

interface LimitedReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * The per-user budget (APP_INTERCEPTOR): interceptors run after every guard, so the access-token guard has put the
 * verified user on the request by now; a user is counted whatever address they come from. The per-IP budget was
 * spent earlier, in an onRequest hook, before any token was looked at. The headers report the tighter budget.
 */
@Injectable()
export class UserRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(EDGE_OPTIONS) private readonly options: EdgeOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const user = http.getRequest<AuthenticatedRequest>().accessToken?.sub;
    if (user === undefined) return next.handle();
    const reply = http.getResponse<LimitedReply>();
    return from(this.limiter.consume('user', user, this.options.userPerMinute)).pipe(
      switchMap((decision) => {
        if (decision !== undefined) {
          const ipRemaining = Number(reply.getHeader('ratelimit-remaining') ?? Infinity);
          if (!decision.allowed || decision.remaining <= ipRemaining) setRateLimitHeaders(reply, decision);
          if (!decision.allowed) throw rateLimitedError();
        }
        return next.handle();
      }),
    );
  }
}
