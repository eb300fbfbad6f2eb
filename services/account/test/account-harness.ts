import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@kasho/config';
import {
  type CallerContext,
  type EventEnvelope,
  identityEvents,
  ledgerRpc,
  type RpcContract,
  type UserRegisteredPayload,
} from '@kasho/contracts';
import { DomainError } from '@kasho/errors';
import { createEventEnvelope, Messaging, RpcClient } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import {
  createTestDatabase,
  freePort,
  startStackProcess,
  type StackProcess,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueEmail,
} from '@kasho/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { accountEnv } from '../src/config';

/**
 * The account service in-process (its own database, Redis prefix and keys) beside a real transaction service run
 * as a process by the stack script on the same broker namespace: wallets are real ledger accounts, balances and
 * statements come from the real ledger, and its transfer events reach the account service's inbox.
 */
export interface AccountHarness {
  account: RunningService;
  stack: StackProcess;
  database: TestDatabase;
  dataSource: DataSource;
  messaging: Messaging;
  call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res>;
  failure<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<DomainError>;
  /** A registered customer (the identity event published and consumed). */
  customer(name?: string): Promise<Customer>;
  /** Publishes an `auth.user.registered.v1` envelope (as is: publishing it twice is a redelivery). */
  publish(envelope: EventEnvelope<unknown>): Promise<void>;
  /** Moves `amount` from the EUR settlement account into a ledger account (or back out with `direction`). */
  fund(ledgerAccountId: string, amount: bigint, direction?: 'in' | 'out'): Promise<string>;
  /** Resolves when the consumer `name` has handled `count` messages in all (ok + duplicate). */
  handled(consumer: string, count: number): Promise<void>;
  handledCount(consumer: string): number;
  stop(): Promise<void>;
}

export interface Customer extends CallerContext {
  email: string;
  fullName: string;
}

export async function startAccountHarness(
  label: string,
  env: Record<string, string> = {},
): Promise<AccountHarness> {
  const stack = await startStackProcess({ services: ['transaction'] });
  const namespace = stack.serviceEnv('transaction').AMQP_NAMESPACE ?? '';
  const database = await createTestDatabase(`account_${label}`);
  const config = loadConfig(accountEnv, {
    AMQP_NAMESPACE: namespace,
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `${namespace}account:`,
    ACCOUNT_MASTER_KEY: randomBytes(32).toString('base64'),
    ACCOUNT_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    ACCOUNT_WALLET_RECOVERY_INTERVAL_MS: '0',
    ACCOUNT_RETENTION_INTERVAL_SECONDS: '0',
    ...env,
  });
  let account: RunningService;
  try {
    account = await startService({ service: 'account', config, module: AppModule.forRoot(config) });
  } catch (error) {
    await stack.destroy();
    await database.drop();
    throw error;
  }
  const rpc = account.app.get(RpcClient);
  const messaging = account.app.get(Messaging);
  const dataSource = account.app.get(DataSource);
  const call = <Req, Res>(contract: RpcContract<Req, Res>, request: Req) =>
    rpc.call(contract, request, { timeoutMs: 15_000 });
  const consumer = (name: string) => {
    const found = messaging.consumers.all.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no consumer ${name}`);
    return found;
  };
  const handledCount = (name: string) => {
    const { stats } = consumer(name);
    return stats.ok + stats.duplicate;
  };
  let settlement: string | undefined;
  const harness: AccountHarness = {
    account,
    stack,
    database,
    dataSource,
    messaging,
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
    async publish(envelope) {
      await messaging.publisher.publish(envelope);
    },
    async customer(fullName = 'Ana Maria Silva') {
      const userId = randomUUID();
      const email = uniqueEmail('customer');
      const before = handledCount('identity');
      await harness.publish(
        createEventEnvelope<UserRegisteredPayload>('auth', identityEvents.userRegistered, {
          userId,
          email,
          fullName,
          registeredAt: new Date().toISOString(),
        }),
      );
      await harness.handled('identity', before + 1);
      return { userId, sessionId: randomUUID(), email, fullName };
    },
    async fund(ledgerAccountId, amount, direction = 'in') {
      if (!settlement) {
        const page = await call(ledgerRpc.listAccounts, { type: 'settlement', currency: 'EUR', limit: 1 });
        settlement = page.data[0]?.id;
        if (!settlement) throw new Error('no EUR settlement account in the ledger');
      }
      const id = randomUUID();
      const { results } = await call(ledgerRpc.createTransfers, {
        transfers: [
          {
            id,
            kind: 'single',
            debitAccountId: direction === 'in' ? settlement : ledgerAccountId,
            creditAccountId: direction === 'in' ? ledgerAccountId : settlement,
            amount: amount.toString(),
            currency: 'EUR',
            code: 2,
            reference: `test:${id}`,
            description: direction === 'in' ? 'Top-up' : 'Payout',
          },
        ],
      });
      if (results[0]?.result !== 'created') throw new Error(`transfer failed: ${results[0]?.result}`);
      return id;
    },
    handledCount,
    async handled(name, count) {
      const deadline = Date.now() + 15_000;
      while (handledCount(name) < count) {
        if (Date.now() > deadline)
          throw new Error(`consumer ${name} handled ${handledCount(name)} of ${count} messages`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      await account.stop();
      await messaging.deleteTopology().catch(() => undefined);
      await stack.destroy();
      await database.drop();
    },
  };
  return harness;
}
