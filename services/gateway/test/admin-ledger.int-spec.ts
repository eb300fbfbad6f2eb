import { randomUUID } from 'node:crypto';
import { loadConfig } from '@kasho/config';
import {
  type AdminTransferRequest,
  authJwksRpc,
  type JwksDocument,
  ledgerRpc,
  type ListAccountsRequest,
  type ListAccountsResponse,
  type Reconciliation,
  type ReconciliationRequest,
  type Transfer,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Messaging, RpcHandler } from '@kasho/messaging';
import { PlatformModule, type RunningService, startService } from '@kasho/platform';
import {
  type AccessTokenSubject,
  createKeySet,
  type KeySet,
  publicJwks,
  signAccessToken,
} from '@kasho/security';
import { createTestNamespace, freePort } from '@kasho/testing';
import { Injectable } from '@nestjs/common';
import { AppModule } from '../src/app.module';
import { gatewayEnv } from '../src/config';
import { configureGatewayHttp } from '../src/http-setup';

// The back-office ledger routes through the real gateway, broker and Redis: a test "auth" chassis serves the
// signing keys, a test "transaction" chassis answers the ledger RPCs with canned answers and records what reached
// it. Who may call, what is refused before forwarding, and exactly what is forwarded are all asserted.

const namespace = createTestNamespace('admin-ledger');
const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';

let keyset: KeySet;
let auth: RunningService;
let transaction: RunningService;
let gateway: RunningService;

// ---- the test services -----------------------------------------------------------------------------------------

const ACCOUNT_A = '01930000-0000-7000-8000-0000000000a1';
const ACCOUNT_B = '01930000-0000-7000-8000-0000000000b2';

const transfers: AdminTransferRequest[] = [];
const listRequests: ListAccountsRequest[] = [];
const reconciliationRequests: ReconciliationRequest[] = [];
let refuseNextTransfer: DomainError | undefined;

function transferFor(request: AdminTransferRequest): Transfer {
  return {
    id: randomUUID(),
    kind: 'single',
    debitAccountId: request.debitAccountId,
    creditAccountId: request.creditAccountId,
    amount: request.amount,
    currency: request.currency,
    code: 9,
    pendingId: null,
    timeoutAt: null,
    reference: `admin:${request.idempotencyKey}`,
    description: request.reason,
    metadata: { actorId: request.actorId },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const ledgerAccount = {
  id: ACCOUNT_A,
  type: 'settlement' as const,
  currency: 'EUR',
  flags: { debitsMustNotExceedCredits: false, creditsMustNotExceedDebits: false },
  debitsPending: '5',
  debitsPosted: '1000',
  creditsPending: '0',
  creditsPosted: '250',
  balance: '-750',
  closed: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  metadata: { operator: 'true' },
};

const reconciliation: Reconciliation = {
  asOf: '2026-01-01T00:00:00.000Z',
  balanced: true,
  currencies: [
    {
      currency: 'EUR',
      debitsPosted: '1000',
      creditsPosted: '1000',
      debitsPending: '5',
      creditsPending: '5',
      balanced: true,
    },
  ],
};

@Injectable()
class TestAuthHandlers {
  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(keyset);
  }
}

@Injectable()
class TestLedgerHandlers {
  @RpcHandler(ledgerRpc.adminTransfer)
  adminTransfer(request: AdminTransferRequest): Transfer {
    transfers.push(request);
    const refusal = refuseNextTransfer;
    refuseNextTransfer = undefined;
    if (refusal) throw refusal;
    return transferFor(request);
  }

  @RpcHandler(ledgerRpc.listAccounts)
  listAccounts(request: ListAccountsRequest): ListAccountsResponse {
    listRequests.push(request);
    return { data: [ledgerAccount], nextCursor: 'next-page' };
  }

  @RpcHandler(ledgerRpc.reconciliation)
  reconciliation(request: ReconciliationRequest): Reconciliation {
    reconciliationRequests.push(request);
    return reconciliation;
  }
}

// ---- set-up ----------------------------------------------------------------------------------------------------

beforeAll(async () => {
  keyset = await createKeySet();
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'error', LOG_PRETTY: 'false' };
  const chassis = async (service: 'auth' | 'transaction', handlers: new () => unknown) => {
    const config = loadConfig(gatewayEnv, { ...common, HTTP_PORT: String(await freePort()) });
    return startService({
      service,
      config,
      module: {
        module: class TestChassisModule {},
        imports: [PlatformModule.forRoot({ service, config })],
        providers: [handlers],
      },
    });
  };
  auth = await chassis('auth', TestAuthHandlers);
  transaction = await chassis('transaction', TestLedgerHandlers);
  const gatewayConfig = loadConfig(gatewayEnv, {
    ...common,
    HTTP_PORT: String(await freePort()),
    REDIS_KEY_PREFIX: `${namespace}gateway:`,
    SESSION_REVOCATION_KEY_PREFIX: `${namespace}revoked-session:`,
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
  });
  gateway = await startService({
    service: 'gateway',
    config: gatewayConfig,
    module: AppModule.forRoot(gatewayConfig),
    configure: (app) => configureGatewayHttp(app, 'test'),
  });
});

afterAll(async () => {
  for (const running of [gateway, transaction, auth]) {
    if (!running) continue;
    const messaging = running.app.get(Messaging);
    await running.stop();
    await messaging.deleteTopology();
  }
});

beforeEach(() => {
  transfers.length = 0;
  listRequests.length = 0;
  reconciliationRequests.length = 0;
  refuseNextTransfer = undefined;
});

// ---- helpers ---------------------------------------------------------------------------------------------------

function subject(roles: string[], extra: Partial<AccessTokenSubject> = {}): AccessTokenSubject {
  return { sub: randomUUID(), sid: randomUUID(), roles, scopes: [], amr: ['pwd'], ...extra };
}

const adminWithMfa = (): AccessTokenSubject => subject(['admin'], { amr: ['pwd', 'mfa'] });

async function bearer(who: AccessTokenSubject): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signAccessToken(keyset, who, { issuer, audience })}` };
}

function send(
  method: string,
  path: string,
  options: { json?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return fetch(`${gateway.url}${path}`, { method, headers, body });
}

async function problem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  return body;
}

function pointersOf(body: Record<string, unknown>): string[] {
  return ((body.errors ?? []) as { pointer: string }[]).map((error) => error.pointer).sort();
}

const validTransfer = {
  debitAccountId: ACCOUNT_A,
  creditAccountId: ACCOUNT_B,
  amount: '1050',
  currency: 'EUR',
  reason: 'Refund of a duplicated card fee (ticket 4711)',
};

function postTransfer(
  headers: Record<string, string>,
  json: unknown = validTransfer,
  key: string | null = randomUUID(),
) {
  return send('POST', '/v1/admin/ledger/transfers', {
    json,
    headers: key === null ? headers : { ...headers, 'idempotency-key': key },
  });
}

// ---- access ----------------------------------------------------------------------------------------------------

const routes: [string, string][] = [
  ['POST', '/v1/admin/ledger/transfers'],
  ['GET', '/v1/admin/ledger/accounts'],
  ['GET', '/v1/admin/ledger/reconciliation'],
];

describe('access', () => {
  it.each(routes)('%s %s needs a token (401)', async (method, path) => {
    await problem(
      await send(method, path, method === 'POST' ? { json: validTransfer } : {}),
      401,
      'unauthorized',
    );
  });

  it.each(routes)('%s %s refuses a customer (403 forbidden)', async (method, path) => {
    const headers = { ...(await bearer(subject(['customer']))), 'idempotency-key': randomUUID() };
    await problem(
      await send(method, path, method === 'POST' ? { json: validTransfer, headers } : { headers }),
      403,
      'forbidden',
    );
  });

  it.each(routes)(
    '%s %s refuses an admin whose session did not pass MFA (403 mfa_required)',
    async (method, path) => {
      const headers = { ...(await bearer(subject(['admin']))), 'idempotency-key': randomUUID() };
      await problem(
        await send(method, path, method === 'POST' ? { json: validTransfer, headers } : { headers }),
        403,
        'mfa_required',
      );
    },
  );

  it('refuses adjustments to support and compliance staff, even with MFA', async () => {
    for (const role of ['support', 'compliance']) {
      const response = await postTransfer(await bearer(subject([role], { amr: ['pwd', 'mfa'] })));
      expect({ role, status: response.status }).toEqual({ role, status: 403 });
    }
    expect(transfers).toEqual([]);
  });

  it('refuses an OAuth client token holding the ledger scopes', async () => {
    const client = subject([], {
      scopes: ['backoffice:ledger:read', 'backoffice:ledger:write'],
      clientId: 'partner-1',
      amr: undefined,
    });
    expect((await send('GET', '/v1/admin/ledger/accounts', { headers: await bearer(client) })).status).toBe(
      403,
    );
    expect((await postTransfer(await bearer(client))).status).toBe(403);
    expect(listRequests).toEqual([]);
    expect(transfers).toEqual([]);
  });
});

// ---- POST /v1/admin/ledger/transfers ---------------------------------------------------------------------------

describe('POST /v1/admin/ledger/transfers', () => {
  it('forwards the adjustment with the actor, key, address and request id, and answers 201 with the transfer', async () => {
    const admin = adminWithMfa();
    const key = randomUUID();
    const response = await send('POST', '/v1/admin/ledger/transfers', {
      json: validTransfer,
      headers: { ...(await bearer(admin)), 'idempotency-key': key, 'x-request-id': 'req-ledger-1' },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Transfer;
    expect(body).toMatchObject({
      kind: 'single',
      debitAccountId: ACCOUNT_A,
      creditAccountId: ACCOUNT_B,
      amount: '1050',
      currency: 'EUR',
      description: validTransfer.reason,
    });
    expect(transfers).toEqual([
      {
        actorId: admin.sub,
        idempotencyKey: key,
        ...validTransfer,
        ip: '127.0.0.1',
        requestId: 'req-ledger-1',
      },
    ]);
  });

  it('needs an Idempotency-Key (400 idempotency_key_required) and refuses a malformed one', async () => {
    const headers = await bearer(adminWithMfa());
    await problem(await postTransfer(headers, validTransfer, null), 400, 'idempotency_key_required');
    await problem(
      await postTransfer(headers, validTransfer, 'k'.repeat(256)),
      400,
      'invalid_idempotency_key',
    );
    expect(transfers).toEqual([]);
  });

  it('replays a retry with the same key without forwarding again; another body with it is 422', async () => {
    const headers = await bearer(adminWithMfa());
    const key = randomUUID();
    const first = await postTransfer(headers, validTransfer, key);
    const firstBody: unknown = await first.json();
    const retry = await postTransfer(headers, validTransfer, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(firstBody);
    await problem(
      await postTransfer(headers, { ...validTransfer, amount: '1051' }, key),
      422,
      'idempotency_key_reused',
    );
    expect(transfers).toHaveLength(1);
  });

  it.each([
    ['a JSON number', 1050],
    ['a negative', '-1050'],
    ['a fraction', '10.50'],
    ['an exponent', '1e3'],
    ['a leading zero', '01050'],
    ['zero', '0'],
    ['empty', ''],
    ['over 2^63-1', '9223372036854775808'],
    ['missing', undefined],
  ])('refuses an amount that is %s with 422 invalid_amount at /amount', async (_name, amount) => {
    const body = await problem(
      await postTransfer(await bearer(adminWithMfa()), { ...validTransfer, amount }),
      422,
      'invalid_amount',
    );
    expect(pointersOf(body)).toEqual(['/amount']);
    expect(transfers).toEqual([]);
  });

  it.each([
    ['lower case', 'eur'],
    ['padded', 'EUR '],
    ['unknown', 'ABC'],
    ['XXX', 'XXX'],
    ['a look-alike', '\u0415UR'],
    ['valid but not supported', 'JPY'],
    ['missing', undefined],
  ])('refuses a currency that is %s with 422 invalid_currency at /currency', async (_name, currency) => {
    const body = await problem(
      await postTransfer(await bearer(adminWithMfa()), { ...validTransfer, currency }),
      422,
      'invalid_currency',
    );
    expect(pointersOf(body)).toEqual(['/currency']);
  });

  it('refuses a bad shape with 422 validation_failed and a pointer per field, and releases the key', async () => {
    const headers = await bearer(adminWithMfa());
    const key = randomUUID();
    const body = await problem(
      await postTransfer(
        headers,
        { ...validTransfer, debitAccountId: 'nope', reason: '   ', creditAccountId: undefined, extra: true },
        key,
      ),
      422,
      'validation_failed',
    );
    expect(pointersOf(body)).toEqual(['/creditAccountId', '/debitAccountId', '/extra', '/reason']);
    await problem(await postTransfer(headers, [validTransfer], randomUUID()), 422, 'validation_failed');
    // Refused before any work: the same key is free for a corrected request.
    expect((await postTransfer(headers, validTransfer, key)).status).toBe(201);
    expect(transfers).toHaveLength(1);
  });

  it("passes the ledger's refusal through with its code", async () => {
    refuseNextTransfer = new DomainError(ErrorCode.InsufficientFunds, 'The debit account cannot cover this.');
    await problem(await postTransfer(await bearer(adminWithMfa())), 422, 'insufficient_funds');
    refuseNextTransfer = new DomainError(ErrorCode.NotFound, 'No such ledger account.');
    await problem(await postTransfer(await bearer(adminWithMfa())), 404, 'not_found');
  });
});

// ---- GET routes ------------------------------------------------------------------------------------------------

describe('GET /v1/admin/ledger/accounts', () => {
  it('forwards the filters and answers the back-office view of each account', async () => {
    const headers = await bearer(adminWithMfa());
    const response = await send(
      'GET',
      '/v1/admin/ledger/accounts?type=settlement&currency=EUR&limit=5&cursor=abc',
      {
        headers,
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: [
        {
          id: ACCOUNT_A,
          type: 'settlement',
          currency: 'EUR',
          debitsPosted: '1000',
          creditsPosted: '250',
          debitsPending: '5',
          creditsPending: '0',
          balance: '-750',
        },
      ],
      nextCursor: 'next-page',
    });
    expect((await send('GET', '/v1/admin/ledger/accounts', { headers })).status).toBe(200);
    expect(listRequests).toEqual([
      { type: 'settlement', currency: 'EUR', limit: 5, cursor: 'abc' },
      { limit: 20 },
    ]);
  });

  it.each([
    ['limit=0', ['/limit']],
    ['limit=101', ['/limit']],
    ['limit=abc', ['/limit']],
    ['type=wallet', ['/type']],
    ['sort=id', ['/sort']],
  ])('refuses ?%s with 422 validation_failed', async (query, pointers) => {
    const body = await problem(
      await send('GET', `/v1/admin/ledger/accounts?${query}`, { headers: await bearer(adminWithMfa()) }),
      422,
      'validation_failed',
    );
    expect(pointersOf(body)).toEqual(pointers);
    expect(listRequests).toEqual([]);
  });
});

describe('GET /v1/admin/ledger/reconciliation', () => {
  it('answers the trial balance, now or at a time', async () => {
    const headers = await bearer(adminWithMfa());
    const response = await send('GET', '/v1/admin/ledger/reconciliation', { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(reconciliation);
    const at = await send('GET', '/v1/admin/ledger/reconciliation?at=2026-01-01T00:00:00Z', { headers });
    expect(at.status).toBe(200);
    expect(reconciliationRequests).toEqual([{}, { at: '2026-01-01T00:00:00Z' }]);
    await problem(
      await send('GET', '/v1/admin/ledger/reconciliation?at=yesterday', { headers }),
      422,
      'validation_failed',
    );
  });
});

describe('GET /openapi.json', () => {
  it('documents the three routes as protected, with their schemas', async () => {
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { security?: unknown; parameters?: Array<{ name: string; required?: boolean }> }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    for (const [method, path] of [
      ['post', '/v1/admin/ledger/transfers'],
      ['get', '/v1/admin/ledger/accounts'],
      ['get', '/v1/admin/ledger/reconciliation'],
    ] as const) {
      expect(document.paths[path]?.[method]?.security).toEqual([{ bearer: [] }]);
    }
    const post = document.paths['/v1/admin/ledger/transfers'].post;
    expect(post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', required: true })]),
    );
    expect(document.components.schemas.AdminLedgerTransferRequest).toMatchObject({
      required: ['debitAccountId', 'creditAccountId', 'amount', 'currency', 'reason'],
      additionalProperties: false,
    });
  });
});
