import { type CallerContext, type ClientContext } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { clientIp } from '../edge/client-ip';
import { type AuthenticatedRequest } from './access-claims';
import { GATEWAY_AUTH_OPTIONS, type GatewayAuthOptions } from './auth.tokens';

/** A user agent longer than this is cut: it is recorded for the owner's session list, not trusted for anything. */
const MAX_USER_AGENT = 512;

/**
 * The caller of a self-service route, from the verified access token only (never from the body or a header): the
 * token's `sub` and `sid`. The route must need `Permission.Self`, which an OAuth client's token never holds.
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallerContext => {
  const claims = context.switchToHttp().getRequest<AuthenticatedRequest>().accessToken;
  if (claims === undefined || claims.clientId !== undefined)
    throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
  return { userId: claims.sub, sessionId: claims.sid };
});

export interface ClientRequest {
  raw: {
    socket: { remoteAddress?: string | undefined };
    headers: Record<string, string | string[] | undefined>;
  };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Where a request came from, for the auth service's throttling, sessions and audit trail: the address as the
 * edge reads it (`X-Forwarded-For` only with `TRUST_PROXY`) and the user agent.
 */
@Injectable()
export class ClientContexts {
  constructor(@Inject(GATEWAY_AUTH_OPTIONS) private readonly options: GatewayAuthOptions) {}

  of(request: ClientRequest): ClientContext {
    const ip = clientIp(request.raw, this.options.trustProxy);
    const agent = request.headers['user-agent'];
    const userAgent = typeof agent === 'string' && agent !== '' ? agent.slice(0, MAX_USER_AGENT) : undefined;
    return userAgent === undefined ? { ip } : { ip, userAgent };
  }
}
