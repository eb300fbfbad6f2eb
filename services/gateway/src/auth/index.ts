export { AccessClaims } from './access-claims';
export type { AuthenticatedRequest } from './access-claims';
export { AuthModule } from './auth.module';
