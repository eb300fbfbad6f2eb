import { type Permission } from '@kasho/security';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/zod-schemas';

export const REQUIRED_PERMISSION = 'kasho:required-permission';
export const AUTHENTICATED_ONLY = 'kasho:authenticated-only';

/**
 * The permission a route needs (checked by `PermissionGuard` against the verified token's roles or, for an OAuth
 * client, its scopes; back-office permissions also need a session that passed MFA). Also marks the operation in
 * OpenAPI as needing a bearer token.
 */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSION, permission), ApiBearerAuth(), ApiProblems(401, 403));

/**
 * Any verified access token will do, a user's or an OAuth client's, whatever its roles or scopes. The explicit
 * opt-out from a permission: a protected route that declares neither this nor `@RequirePermission` is refused.
 */
export const AuthenticatedOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(AUTHENTICATED_ONLY, true), ApiBearerAuth(), ApiProblems(401));
