import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { authJwksRpc } from '@kasho/contracts';
import { loadConfig } from '@kasho/config';
import { Messaging, RpcClient } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createKeySet, publicJwks, serializeKeySet, type KeySet } from '@kasho/security';
import { createTestDatabase, createTestNamespace, freePort, type TestDatabase } from '@kasho/testing';
import { AppModule } from '../src/app.module';
import { authEnv } from '../src/config';

// The auth service, with its real database, Redis and broker, answers `auth.keys.jwks` with the public members
// of its keyset, and never a private one.

let directory: string;
let database: TestDatabase;
let auth: RunningService;
let keyset: KeySet;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'kasho-auth-jwks-'));
  database = await createTestDatabase('auth_jwks');
  keyset = await createKeySet();
  const config = loadConfig(authEnv, {
    AMQP_NAMESPACE: createTestNamespace('auth-jwks'),
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    AUTH_SIGNING_KEYS: serializeKeySet(keyset),
    AUTH_SIGNING_KEYS_FILE: path.join(directory, 'unused.json'),
  });
  auth = await startService({ service: 'auth', config, module: AppModule.forRoot(config) });
});

afterAll(async () => {
  if (auth) {
    const messaging = auth.app.get(Messaging);
    await auth.stop();
    await messaging.deleteTopology();
  }
  await database?.drop();
  await rm(directory, { recursive: true, force: true });
});

describe('auth.keys.jwks', () => {
  it("answers the keyset's public keys over RPC and no private member", async () => {
    const document = await auth.app.get(RpcClient).call(authJwksRpc, {});
    expect(document).toEqual(publicJwks(keyset));
    expect(document.keys.map((key) => key.kid)).toEqual([keyset.current.kid]);
    for (const key of document.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    }
    expect(JSON.stringify(document)).not.toContain(String(keyset.current.privateJwk.d));
  });
});
