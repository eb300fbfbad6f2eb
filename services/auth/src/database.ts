import { AUDIT_ENTITIES } from '@kasho/audit';
import { MESSAGING_ENTITIES } from '@kasho/messaging';
import { type ServiceSchema } from '@kasho/platform';
import { IDENTITY_ENTITIES } from './identity-core/identity-entities';
import { authMigrations } from './migrations';
import { OAUTH_ENTITIES } from './oauth/oauth-entities';

/** The auth database as code; `npm run db:check-drift` fails when the entities and the migrations disagree. */
export const authSchema: ServiceSchema = {
  entities: [...MESSAGING_ENTITIES, ...AUDIT_ENTITIES, ...OAUTH_ENTITIES, ...IDENTITY_ENTITIES],
  migrations: authMigrations,
};
