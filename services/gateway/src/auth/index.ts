export { AccessClaims } from './access-claims';
export type { AuthenticatedRequest } from './access-claims';
export { AuthModule } from './auth.module';
export type { GatewayAuthOptions } from './auth.tokens';
export { Caller, ClientContexts } from './request-context';
export {
  AUTHENTICATED_ONLY,
  AuthenticatedOnly,
  REQUIRED_PERMISSION,
  RequirePermission,
} from './require-permission.decorator';
