import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { JwksHandler } from './jwks.handler';
import { loadSigningKeys, type SigningKeysSource } from './signing-keys.file';
import { SIGNING_KEYSET } from './signing-keyset';

/**
 * The access-token signing keys, loaded once at start-up (a rotation takes effect when the service restarts), and
 * the JWKS RPC. The keyset holds private keys: it is never logged and leaves the process only as public JWKs.
 */
@Module({})
export class KeysModule {
  static forRoot(source: SigningKeysSource): DynamicModule {
    return {
      module: KeysModule,
      // Global: every feature that signs tokens (sessions, OAuth clients) injects SIGNING_KEYSET.
      global: true,
      providers: [
        {
          provide: SIGNING_KEYSET,
          useFactory: async () => {
            const { keyset, generatedAt } = await loadSigningKeys(source);
            if (generatedAt) {
              new Logger('SigningKeys').log(
                `generated a new signing keyset (kid ${keyset.current.kid}) in ${generatedAt}; it is a secret`,
              );
            }
            return keyset;
          },
        },
        JwksHandler,
      ],
      exports: [SIGNING_KEYSET],
    };
  }
}
