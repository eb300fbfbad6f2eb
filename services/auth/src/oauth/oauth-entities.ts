import { OAuthClientEntity } from './oauth-client.entity';

/** The OAuth feature's tables, for the auth DataSource (`database.ts`). */
export const OAUTH_ENTITIES = [OAuthClientEntity] as const;
