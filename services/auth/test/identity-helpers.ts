import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@kasho/config';
import { type RpcContract } from '@kasho/contracts';
import { DomainError } from '@kasho/errors';
import { Messaging, RpcClient } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createRedisClient, type RedisClient } from '@kasho/redis';
import { createKeySet, serializeKeySet } from '@kasho/security';
import {
  createTestDatabase,
  createTestNamespace,
  freePort,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@kasho/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { authEnv } from '../src/config';

/** One auth service with its own database, broker namespace and Redis prefixes, for one test file. */
export interface IdentityHarness {
  auth: RunningService;
  database: TestDatabase;
  dataSource: DataSource;
  /** Reads the revocation list under the same prefix the service writes it. */
  revocations: RedisClient;
  revocationPrefix: string;
  call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res>;
  /** The DomainError a call fails with (fails the test when it succeeds). */
  failure<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<DomainError>;
  /** The newest outbox payload of `type` whose payload matches `where`. */
  lastEvent<P>(type: string, where: (payload: P) => boolean): Promise<P | undefined>;
  stop(): Promise<void>;
}

export async function startIdentityHarness(
  label: string,
  env: Record<string, string> = {},
): Promise<IdentityHarness> {
  const directory = await mkdtemp(path.join(tmpdir(), `kasho-auth-${label}-`));
  const database = await createTestDatabase(`auth_${label}`);
  const namespace = createTestNamespace(`auth-${label}`);
  const revocationPrefix = `${namespace}revoked-session:`;
  const config = loadConfig(authEnv, {
    AMQP_NAMESPACE: namespace,
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `${namespace}auth:`,
    SESSION_REVOCATION_KEY_PREFIX: revocationPrefix,
    AUTH_SIGNING_KEYS: serializeKeySet(await createKeySet()),
    AUTH_DATA_KEY_FILE: path.join(directory, 'data-key'),
    ...env,
  });
  const auth = await startService({ service: 'auth', config, module: AppModule.forRoot(config) });
  const rpc = auth.app.get(RpcClient);
  const dataSource = auth.app.get(DataSource);
  const revocations = createRedisClient({ url: TEST_REDIS_URL, keyPrefix: revocationPrefix });
  const call = <Req, Res>(contract: RpcContract<Req, Res>, request: Req) =>
    rpc.call(contract, request, { timeoutMs: 10_000 });
  return {
    auth,
    database,
    dataSource,
    revocations,
    revocationPrefix,
    call,
    async failure(contract, request) {
      try {
        await call(contract, request);
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
      throw new Error(`${contract.method} succeeded but was expected to fail`);
    },
    async lastEvent<P>(type: string, where: (payload: P) => boolean) {
      const rows = await dataSource.query<Array<{ payload: { payload: P } }>>(
        'SELECT "payload" FROM "outbox_messages" WHERE "type" = $1 ORDER BY "sequence" DESC',
        [type],
      );
      return rows.map((row) => row.payload.payload).find(where);
    },
    async stop() {
      await revocations.quit();
      const messaging = auth.app.get(Messaging);
      await auth.stop();
      await messaging.deleteTopology();
      await database.drop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
