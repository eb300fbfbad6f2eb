import { AuditLog } from '@kasho/audit';
import { createRedisClient } from '@kasho/redis';
import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type AuthConfig } from '../config';
import { AUTH_CONFIG } from './auth-settings';
import { loadDataKey } from './data-key.file';
import { PasswordHasher } from './password-hasher';
import { SecretBox } from './secret-box';
import { SessionRevocationList } from './session-revocation-list';

/**
 * What every identity feature stands on: the typed config, the audit log, password hashing, the data key's
 * SecretBox and the revocation-list writer. Stateless helpers only; no rules live here.
 */
@Global()
@Module({})
export class IdentityCoreModule implements OnApplicationShutdown {
  constructor(@Inject(SessionRevocationList) private readonly revocationList: SessionRevocationList) {}

  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: IdentityCoreModule,
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: AuditLog, useValue: new AuditLog() },
        { provide: PasswordHasher, useValue: new PasswordHasher() },
        {
          provide: SecretBox,
          useFactory: async () => {
            const { key, generatedAt } = await loadDataKey(config);
            if (generatedAt)
              new Logger('DataKey').log(`generated a new data key in ${generatedAt}; it is a secret`);
            return new SecretBox(key);
          },
        },
        {
          provide: SessionRevocationList,
          useFactory: () =>
            new SessionRevocationList(
              createRedisClient({
                url: config.REDIS_URL,
                keyPrefix: config.SESSION_REVOCATION_KEY_PREFIX,
                connectionName: 'kasho-auth-revocations',
              }),
              config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
            ),
        },
      ],
      exports: [AUTH_CONFIG, AuditLog, PasswordHasher, SecretBox, SessionRevocationList],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.revocationList.close();
  }
}
