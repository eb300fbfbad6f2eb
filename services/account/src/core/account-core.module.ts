import { AuditLog } from '@kasho/audit';
import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';
import { BlindIndex } from '../crypto/blind-index';
import { KEY_PROVIDER, LocalKeyProvider } from '../crypto/key-provider';
import { loadKey } from '../crypto/key-file';

/**
 * What every account feature stands on: the typed config, the audit log, the key provider (master key) and the
 * blind index. Stateless helpers only; no rules live here.
 */
@Global()
@Module({})
export class AccountCoreModule {
  static forRoot(config: AccountConfig): DynamicModule {
    const logger = new Logger('AccountKeys');
    return {
      module: AccountCoreModule,
      providers: [
        { provide: ACCOUNT_CONFIG, useValue: config },
        { provide: AuditLog, useValue: new AuditLog() },
        {
          provide: KEY_PROVIDER,
          useFactory: async () => {
            const { key, generatedAt } = await loadKey({
              name: 'ACCOUNT_MASTER_KEY',
              value: config.ACCOUNT_MASTER_KEY,
              file: config.ACCOUNT_MASTER_KEY_FILE,
              nodeEnv: config.NODE_ENV,
            });
            if (generatedAt) logger.log(`generated a new master key in ${generatedAt}; it is a secret`);
            return new LocalKeyProvider(key);
          },
        },
        {
          provide: BlindIndex,
          useFactory: async () => {
            const { key, generatedAt } = await loadKey({
              name: 'ACCOUNT_BLIND_INDEX_KEY',
              value: config.ACCOUNT_BLIND_INDEX_KEY,
              file: config.ACCOUNT_BLIND_INDEX_KEY_FILE,
              nodeEnv: config.NODE_ENV,
            });
            if (generatedAt) logger.log(`generated a new blind-index key in ${generatedAt}; it is a secret`);
            return new BlindIndex(key);
          },
        },
      ],
      exports: [ACCOUNT_CONFIG, AuditLog, KEY_PROVIDER, BlindIndex],
    };
  }
}
