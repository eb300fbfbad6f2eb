export { OAuthModule } from './oauth.module';
export type { OAuthModuleOptions } from './oauth.module';
export { OAuthClientEntity } from './oauth-client.entity';
