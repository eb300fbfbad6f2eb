import { randomUUID } from 'node:crypto';
import { loadConfig } from '@kasho/config';
import {
  accountRpc,
  authJwksRpc,
  type CallerContext,
  type CustomerDetail,
  type CustomerDetailRequest,
  type DataExport,
  type ErasureReceipt,
  type JwksDocument,
  type OpenWalletRequest,
  type StaffWalletAction,
  type TransactionRequest,
  type TransactionView,
  type WalletRequest,
  type WalletStatement,
  type WalletStatementRequest,
  type WalletWithBalance,
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

// The customer and account routes (and their back-office rows) through the real gateway, broker and Redis: a test
// "account" chassis answers with canned results and records what reached it. Who may call, what is refused before
// forwarding, what is forwarded (the caller always from the token), and how the account service's codes map.

const namespace = createTestNamespace('customers-routes');
const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';

let keyset: KeySet;
let auth: RunningService;
let account: RunningService;
let gateway: RunningService;

const received: Array<{ method: string; request: unknown }> = [];
let refuseNext: DomainError | undefined;

const WALLET: WalletWithBalance = {
  id: '01930000-0000-7000-8000-0000000000c1',
  currency: 'EUR',
  status: 'active',
  nickname: null,
  ledgerAccountId: '01930000-0000-7000-8000-0000000000d1',
  createdAt: '2026-01-01T00:00:00.000Z',
  balance: { available: '0', posted: '0', pending: '0' },
};

function answer<T>(method: string, request: unknown, value: T): T {
  received.push({ method, request });
  const refusal = refuseNext;
  refuseNext = undefined;
  if (refusal) throw refusal;
  return value;
}

@Injectable()
class TestAuthHandlers {
  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(keyset);
  }
}

@Injectable()
class TestAccountHandlers {
  @RpcHandler(accountRpc.openWallet)
  open(request: OpenWalletRequest): WalletWithBalance {
    return answer('open', request, WALLET);
  }

  @RpcHandler(accountRpc.getWallet)
  get(request: WalletRequest): WalletWithBalance {
    return answer('get', request, WALLET);
  }

  @RpcHandler(accountRpc.closeWallet)
  close(request: WalletRequest): WalletWithBalance {
    return answer('close', request, { ...WALLET, status: 'closed' });
  }

  @RpcHandler(accountRpc.statement)
  statement(request: WalletStatementRequest): WalletStatement {
    return answer('statement', request, { data: [], nextCursor: null });
  }

  @RpcHandler(accountRpc.getTransaction)
  transaction(request: TransactionRequest): TransactionView {
    return answer('transaction', request, {
      id: request.transferId,
      accountId: WALLET.id,
      direction: 'credit',
      kind: 'single',
      amount: '1050',
      currency: 'EUR',
      description: 'Top-up',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }

  @RpcHandler(accountRpc.freezeWallet)
  freeze(request: StaffWalletAction): WalletWithBalance {
    return answer('freeze', request, { ...WALLET, status: 'frozen' });
  }

  @RpcHandler(accountRpc.getCustomer)
  customer(request: CustomerDetailRequest): CustomerDetail {
    return answer('customer', request, {
      id: request.customerId,
      status: 'active',
      kycStatus: 'none',
      fullName: request.view === 'full' ? 'Ana Silva' : 'A*** S***',
      email: null,
      phone: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      view: request.view,
      address: null,
      dateOfBirth: null,
      kycTier: 'tier0',
      wallets: [],
      kycSubmissions: [],
    });
  }

  @RpcHandler(accountRpc.exportMyData)
  exportMyData(caller: CallerContext): DataExport {
    return answer('export', caller, {
      subjectId: caller.userId,
      generatedAt: '2026-01-01T00:00:00.000Z',
      sections: { account: { status: 'ok', data: {} }, auth: { status: 'unavailable' } },
    });
  }

  @RpcHandler(accountRpc.eraseMe)
  erase(caller: CallerContext): ErasureReceipt {
    return answer('erase', caller, { customerId: caller.userId, erasedAt: '2026-01-01T00:00:00.000Z' });
  }
}

beforeAll(async () => {
  keyset = await createKeySet();
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'error', LOG_PRETTY: 'false' };
  const chassis = async (service: 'auth' | 'account', handlers: new () => unknown) => {
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
  account = await chassis('account', TestAccountHandlers);
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
  for (const running of [gateway, account, auth]) {
    if (!running) continue;
    const messaging = running.app.get(Messaging);
    await running.stop();
    await messaging.deleteTopology();
  }
});

beforeEach(() => {
  received.length = 0;
  refuseNext = undefined;
});

function subject(roles: string[], extra: Partial<AccessTokenSubject> = {}): AccessTokenSubject {
  return { sub: randomUUID(), sid: randomUUID(), roles, scopes: [], amr: ['pwd'], ...extra };
}

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

describe('customer routes', () => {
  it('open an account with the caller from the token and the Idempotency-Key forwarded', async () => {
    const customer = subject(['customer']);
    const key = randomUUID();
    const response = await send('POST', '/v1/accounts', {
      json: { currency: 'EUR', nickname: 'Holidays' },
      headers: { ...(await bearer(customer)), 'idempotency-key': key },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(WALLET);
    expect(received).toEqual([
      {
        method: 'open',
        request: {
          userId: customer.sub,
          sessionId: customer.sid,
          currency: 'EUR',
          nickname: 'Holidays',
          idempotencyKey: key,
        },
      },
    ]);
  });

  it('refuses a bad currency or shape before forwarding anything', async () => {
    const headers = await bearer(subject(['customer']));
    await problem(
      await send('POST', '/v1/accounts', { json: { currency: 'eur' }, headers }),
      422,
      'invalid_currency',
    );
    await problem(
      await send('POST', '/v1/accounts', { json: { currency: 'XXX' }, headers }),
      422,
      'invalid_currency',
    );
    const body = await problem(
      await send('POST', '/v1/accounts', { json: { currency: 'EUR', owner: 'someone' }, headers }),
      422,
      'validation_failed',
    );
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/owner' })]);
    expect(received).toEqual([]);
  });

  it('answers a malformed account id 404 like an unknown one, without asking', async () => {
    const headers = await bearer(subject(['customer']));
    const malformed = await problem(
      await send('GET', '/v1/accounts/not-an-id', { headers }),
      404,
      'not_found',
    );
    expect(received).toEqual([]);
    refuseNext = new DomainError(ErrorCode.NotFound, 'No such account.');
    const unknown = await problem(
      await send('GET', `/v1/accounts/${randomUUID()}`, { headers }),
      404,
      'not_found',
    );
    expect(malformed.detail).toBe(unknown.detail);
  });

  it('maps account_not_empty and balance_not_zero to 422', async () => {
    const headers = await bearer(subject(['customer']));
    refuseNext = new DomainError(ErrorCode.AccountNotEmpty, 'The account holds money.');
    await problem(
      await send('POST', `/v1/accounts/${WALLET.id}/close`, { headers }),
      422,
      'account_not_empty',
    );
    refuseNext = new DomainError(ErrorCode.BalanceNotZero, 'Your accounts still hold money.');
    await problem(await send('DELETE', '/v1/me', { headers }), 422, 'balance_not_zero');
  });

  it('pages a statement with a validated limit', async () => {
    const customer = subject(['customer']);
    const headers = await bearer(customer);
    await problem(
      await send('GET', `/v1/accounts/${WALLET.id}/transactions?limit=500`, { headers }),
      422,
      'validation_failed',
    );
    const response = await send('GET', `/v1/accounts/${WALLET.id}/transactions?limit=5&cursor=abc`, {
      headers,
    });
    expect(response.status).toBe(200);
    expect(received[0]).toEqual({
      method: 'statement',
      request: {
        userId: customer.sub,
        sessionId: customer.sid,
        accountId: WALLET.id,
        limit: 5,
        cursor: 'abc',
      },
    });
  });

  it('exports and erases the caller (204), never someone named in the request', async () => {
    const customer = subject(['customer']);
    const headers = await bearer(customer);
    const exported = await send('GET', '/v1/me/data-export', { headers });
    expect(exported.status).toBe(200);
    expect(((await exported.json()) as DataExport).subjectId).toBe(customer.sub);
    const erased = await send('DELETE', '/v1/me', { headers });
    expect(erased.status).toBe(204);
    expect(received.map((entry) => entry.request)).toEqual([
      { userId: customer.sub, sessionId: customer.sid },
      { userId: customer.sub, sessionId: customer.sid },
    ]);
  });

  it('shows one transaction, asking the account service with the caller; a malformed id is 404 unasked', async () => {
    const customer = subject(['customer']);
    const headers = await bearer(customer);
    const transferId = randomUUID();
    const response = await send('GET', `/v1/transactions/${transferId}`, { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: transferId, direction: 'credit', amount: '1050' });
    expect(received).toEqual([
      { method: 'transaction', request: { userId: customer.sub, sessionId: customer.sid, transferId } },
    ]);
    await problem(await send('GET', '/v1/transactions/nope', { headers }), 404, 'not_found');
    expect(received).toHaveLength(1);
  });

  it('needs a token', async () => {
    await problem(await send('GET', '/v1/accounts'), 401, 'unauthorized');
    await problem(await send('GET', '/v1/me/profile'), 401, 'unauthorized');
  });
});

describe('back-office customer routes', () => {
  const customerPath = () => `/v1/admin/customers/${randomUUID()}`;

  it('masks for support and shows in full for compliance', async () => {
    const support = subject(['support'], { amr: ['pwd', 'otp', 'mfa'] });
    const masked = await send('GET', customerPath(), { headers: await bearer(support) });
    expect(masked.status).toBe(200);
    expect(((await masked.json()) as CustomerDetail).view).toBe('masked');
    const compliance = subject(['compliance'], { amr: ['pwd', 'otp', 'mfa'] });
    const full = await send('GET', customerPath(), { headers: await bearer(compliance) });
    expect(((await full.json()) as CustomerDetail).view).toBe('full');
    expect(received.map((entry) => (entry.request as CustomerDetailRequest).actorId)).toEqual([
      support.sub,
      compliance.sub,
    ]);
  });

  it('refuses a customer (403), staff without MFA (403 mfa_required), and support freezing (403)', async () => {
    await problem(
      await send('GET', customerPath(), { headers: await bearer(subject(['customer'])) }),
      403,
      'forbidden',
    );
    await problem(
      await send('GET', customerPath(), { headers: await bearer(subject(['support'])) }),
      403,
      'mfa_required',
    );
    await problem(
      await send('POST', `/v1/admin/accounts/${WALLET.id}/freeze`, {
        json: { reason: 'AML' },
        headers: await bearer(subject(['support'], { amr: ['pwd', 'otp', 'mfa'] })),
      }),
      403,
      'forbidden',
    );
    expect(received).toEqual([]);
  });

  it('freezes with a mandatory reason, forwarding the actor', async () => {
    const compliance = subject(['compliance'], { amr: ['pwd', 'otp', 'mfa'] });
    const headers = await bearer(compliance);
    await problem(
      await send('POST', `/v1/admin/accounts/${WALLET.id}/freeze`, { json: { reason: ' ' }, headers }),
      422,
      'validation_failed',
    );
    const frozen = await send('POST', `/v1/admin/accounts/${WALLET.id}/freeze`, {
      json: { reason: 'AML review' },
      headers,
    });
    expect(frozen.status).toBe(200);
    expect(received[0]).toMatchObject({
      method: 'freeze',
      request: { actorId: compliance.sub, accountId: WALLET.id, reason: 'AML review' },
    });
  });
});
