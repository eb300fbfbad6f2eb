import { Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource, type EntityManager } from 'typeorm';
import { defineEvent, defineRpc, type EventEnvelope } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { createTestNamespace } from '@kasho/testing';
import {
  EventHandler,
  IdempotentEventHandler,
  Messaging,
  MessagingModule,
  Outbox,
  RpcClient,
  RpcHandler,
  uuidv7,
  type MessagingOptions,
  type RpcHandlerContext,
} from '../src';
import {
  createMessagingDatabase,
  teardown,
  testOptions,
  waitFor,
  type MessagingDatabase,
} from './support/messaging-test-kit';

interface OpenAccountRequest {
  owner: string;
  holdMs?: number;
}
interface AccountOpenedPayload {
  accountId: string;
  owner: string;
}

const OpenAccount = defineRpc<OpenAccountRequest, { accountId: string; correlationId: string }>(
  'account',
  'accounts.open',
);
const AccountOpened = defineEvent<AccountOpenedPayload>('account.account.opened.v1');
const AccountClosed = defineEvent<{ accountId: string }>('account.account.closed.v1');

let database: MessagingDatabase;
const cacheEvents: string[] = [];

@Injectable()
class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  @RpcHandler(OpenAccount)
  async open(
    request: OpenAccountRequest,
    context: RpcHandlerContext,
  ): Promise<{ accountId: string; correlationId: string }> {
    if (!request.owner) throw new DomainError(ErrorCode.ValidationFailed, 'owner is required');
    if (request.holdMs) await new Promise((resolve) => setTimeout(resolve, request.holdMs));
    return this.dataSource.transaction(async (manager) => {
      const accountId = uuidv7();
      await manager.query('INSERT INTO "accounts" ("id", "owner") VALUES ($1, $2)', [
        accountId,
        request.owner,
      ]);
      await this.outbox.enqueue(manager, AccountOpened, { accountId, owner: request.owner });
      return { accountId, correlationId: context.correlationId };
    });
  }
}

@Injectable()
class WelcomeConsumer {
  @EventHandler(AccountOpened, { consumer: 'welcome' })
  async onOpened(envelope: EventEnvelope<AccountOpenedPayload>, manager: EntityManager): Promise<void> {
    await manager.query('INSERT INTO "welcomes" ("account_id", "correlation_id") VALUES ($1, $2)', [
      envelope.payload.accountId,
      envelope.correlationId,
    ]);
  }

  @IdempotentEventHandler(AccountOpened, { consumer: 'directory-cache' })
  @IdempotentEventHandler(AccountClosed, { consumer: 'directory-cache' })
  refreshDirectory(envelope: EventEnvelope<unknown>): Promise<void> {
    cacheEvents.push(envelope.type);
    return Promise.resolve();
  }
}

@Global()
@Module({
  providers: [{ provide: DataSource, useFactory: () => database.dataSource }],
  exports: [DataSource],
})
class TestDatabaseModule {}

function appModule(options: MessagingOptions, withDatabase: boolean): new () => unknown {
  @Module({
    imports: [
      ...(withDatabase ? [TestDatabaseModule] : []),
      // The database-less variant takes the async form, as a service reading its validated config would.
      withDatabase
        ? MessagingModule.forRoot(options)
        : MessagingModule.forRootAsync({ useFactory: () => options }),
    ],
    providers: [...(withDatabase ? [AccountsService] : []), WelcomeConsumer],
  })
  class AppModule {}
  return AppModule;
}

describe('MessagingModule (NestJS)', () => {
  const namespace = createTestNamespace('nest');
  let app: INestApplicationContext | undefined;
  let appMessaging: Messaging;
  let client: Messaging;

  beforeAll(async () => {
    database = await createMessagingDatabase('nest');
    await database.dataSource.query('CREATE TABLE "accounts" ("id" uuid PRIMARY KEY, "owner" text NOT NULL)');
    await database.dataSource.query(
      'CREATE TABLE "welcomes" ("account_id" uuid NOT NULL, "correlation_id" text NOT NULL)',
    );
    app = await NestFactory.createApplicationContext(appModule(testOptions(namespace, 'account'), true), {
      logger: false,
    });
    appMessaging = app.get(Messaging);
    client = await Messaging.connect(testOptions(namespace, 'gateway'));
  });

  afterAll(async () => {
    await app?.close();
    await teardown(client, appMessaging);
    await database?.drop();
  });

  it('provides the facade and discovers decorated RPC and event handlers', () => {
    expect(app!.get(RpcClient)).toBe(appMessaging.rpcClient);
    expect(appMessaging.rpcServer.methods).toEqual(['accounts.open']);
    expect(appMessaging.consumers.all.map((consumer) => consumer.name).sort()).toEqual([
      'directory-cache',
      'welcome',
    ]);
    expect(appMessaging.hasDataSource).toBe(true);
  });

  it('serves an RPC whose transaction enqueues an event that an inbox handler consumes, correlation id throughout', async () => {
    const { accountId, correlationId } = await client.rpcClient.call(
      OpenAccount,
      { owner: 'ada' },
      { correlationId: 'corr-nest-1' },
    );
    expect(correlationId).toBe('corr-nest-1');
    await waitFor(async () => {
      const rows = await database.dataSource.query<unknown[]>(
        'SELECT 1 FROM "welcomes" WHERE "account_id" = $1',
        [accountId],
      );
      return rows.length === 1;
    }, 'the welcome to be recorded');
    const [welcome] = await database.dataSource.query<Array<{ correlation_id: string }>>(
      'SELECT "correlation_id" FROM "welcomes" WHERE "account_id" = $1',
      [accountId],
    );
    expect(welcome.correlation_id).toBe('corr-nest-1');
    await waitFor(() => cacheEvents.includes(AccountOpened.type), 'the idempotent handler');
    await expect(client.rpcClient.call(OpenAccount, { owner: '' })).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
  });

  it('refuses to start an inbox consumer in an application without a database', async () => {
    const noDatabase = appModule(testOptions(createTestNamespace('nest-nodb'), 'gateway'), false);
    const attempt = NestFactory.createApplicationContext(noDatabase, { logger: false, abortOnError: false });
    await expect(attempt).rejects.toThrow(/welcome records an inbox and needs a TypeORM DataSource/);
  });

  it('shuts down gracefully: finishes the request in flight and publishes its event before closing', async () => {
    const slow = client.rpcClient.call(OpenAccount, { owner: 'grace', holdMs: 300 }, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = app!.close();
    const { accountId } = await slow;
    await closing;
    app = undefined;
    expect(appMessaging.isHealthy()).toBe(false);
    const [row] = await database.dataSource.query<Array<{ published: boolean }>>(
      `SELECT "published_at" IS NOT NULL AS "published" FROM "outbox_messages" WHERE "payload"->'payload'->>'accountId' = $1`,
      [accountId],
    );
    expect(row.published).toBe(true);
  });
});
