import { DomainError, ErrorCode } from '@kasho/errors';
import { IS_PUBLIC } from '@kasho/observability';
import { decideAccess, type Permission } from '@kasho/security';
import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest } from './access-claims';
import { AUTHENTICATED_ONLY, REQUIRED_PERMISSION } from './require-permission.decorator';

/**
 * Coarse-grained authorisation (APP_GUARD, after the access-token guard): the route's `@RequirePermission` against
 * the verified claims through `decideAccess`, the one place roles and scopes become permissions. Ownership of a
 * resource is the owning service's to check. A protected route that declares no permission (and is not marked
 * `@AuthenticatedOnly()`) is refused: forgetting the declaration must not open a route.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  private readonly logger = new Logger('Permissions');

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true) return true;
    const claims = context.switchToHttp().getRequest<AuthenticatedRequest>().accessToken;
    // The access-token guard ran first and refused anything unverified; this is only a second lock.
    if (claims === undefined) throw new DomainError(ErrorCode.Unauthorized, 'Authentication is required.');
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (permission === undefined) {
      if (this.reflector.getAllAndOverride<boolean | undefined>(AUTHENTICATED_ONLY, targets) === true)
        return true;
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no permission`);
      throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
    }
    const decision = decideAccess(claims, permission);
    switch (decision) {
      case 'allow':
        return true;
      case 'forbidden':
        throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
      case 'mfa_required':
        throw new DomainError(
          ErrorCode.MfaRequired,
          'This needs a session that passed multi-factor authentication: enable MFA and sign in again.',
        );
      default:
        return assertNever(decision);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled access decision: ${String(value)}`);
}
