import type { AccessTokenClaims } from '@kasho/security';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The request as the access-token guard leaves it: the verified claims, for role and scope checks after it. */
export interface AuthenticatedRequest {
  accessToken?: AccessTokenClaims;
}

/**
 * The verified claims of the request's access token. Only meaningful on a route the guard protects (not
 * `@Public()`); there it is always set, since the guard refuses the request otherwise.
 */
export const AccessClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccessTokenClaims | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().accessToken,
);
