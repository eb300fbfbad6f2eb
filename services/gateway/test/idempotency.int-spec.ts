import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  authJwksRpc,
  identityRpc,
  type JwksDocument,
  type RegisterRequest,
  type RegisterResponse,
} from '@kasho/contracts';
import { loadConfig } from '@kasho/config';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Messaging, RpcClient, RpcHandler } from '@kasho/messaging';
import { PlatformModule, type RunningService, startService } from '@kasho/platform';
import { RedisClient } from '@kasho/redis';
import { createKeySet, type KeySet, publicJwks, signAccessToken } from '@kasho/security';
import { createTestNamespace, freePort } from '@kasho/testing';
import { Body, Controller, type DynamicModule, HttpCode, Injectable, Post, Res } from '@nestjs/common';
import { z } from 'zod';
import { AppModule } from '../src/app.module';
import { AuthenticatedOnly } from '../src/auth';
import { SESSION_REVOCATION_REDIS } from '../src/auth/auth.tokens';
import { gatewayEnv } from '../src/config';
import { configureGatewayHttp } from '../src/http-setup';
import { Idempotent, IdempotencyKey } from '../src/idempotency';
import { validBody } from '../src/validation/zod-validation.pipe';

// Idempotency-Key through the real gateway app, the real broker and Redis: a test "auth" chassis answers the
// register RPC (counting every call it gets, by email, so each test reads only its own), a test-only protected
// route needs a key. TRUST_PROXY is on, so two X-Forwarded-For addresses are two public callers.

const namespace = createTestNamespace('idempotency');
const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';

let keyset: KeySet;
let auth: RunningService;
let gateway: RunningService;

// ---- the test auth service: counts calls; `slow-…` emails take a while, `taken-…` ones are refused -----------

const calls = new Map<string, number>();

@Injectable()
class CountingIdentityHandlers {
  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(keyset);
  }

  @RpcHandler(identityRpc.register)
  async register(request: RegisterRequest): Promise<RegisterResponse> {
    calls.set(request.email, (calls.get(request.email) ?? 0) + 1);
    if (request.email.startsWith('slow-')) await sleep(1200);
    if (request.email.startsWith('taken-'))
      throw new DomainError(ErrorCode.Conflict, 'That cannot be done for this email.');
    if (request.email.startsWith('flaky-'))
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Try again.', { retryable: true });
    // A fresh id per call: a replay is recognisable by answering the first call's id.
    return { userId: randomUUID() };
  }
}

// ---- a test-only money-like route: protected, key required -----------------------------------------------------

const transferBody = z.strictObject({ reference: z.string().min(1).max(50) });

@Controller({ path: 'idempotency-probe', version: '1' })
class IdempotencyProbeController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('transfers')
  @HttpCode(201)
  @AuthenticatedOnly()
  @Idempotent({ required: true })
  async transfer(
    @Body(validBody(transferBody)) body: z.output<typeof transferBody>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) reply: { header(name: string, value: string): unknown },
  ): Promise<{ id: string; key: string | undefined }> {
    const { userId } = await this.rpc.call(identityRpc.register, {
      email: `${body.reference}@probe.test`,
      password: 'irrelevant',
      fullName: 'Probe',
      client: { ip: '127.0.0.1' },
    });
    reply.header('location', `/v1/idempotency-probe/transfers/${userId}`);
    return { id: userId, key };
  }
}

// ---- set-up ----------------------------------------------------------------------------------------------------

beforeAll(async () => {
  keyset = await createKeySet();
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'error', LOG_PRETTY: 'false' };
  const authConfig = loadConfig(gatewayEnv, { ...common, HTTP_PORT: String(await freePort()) });
  auth = await startService({
    service: 'auth',
    config: authConfig,
    module: {
      module: class IdempotencyTestAuthModule {},
      imports: [PlatformModule.forRoot({ service: 'auth', config: authConfig })],
      providers: [CountingIdentityHandlers],
    },
  });
  const gatewayConfig = loadConfig(gatewayEnv, {
    ...common,
    HTTP_PORT: String(await freePort()),
    REDIS_KEY_PREFIX: `${namespace}gateway:`,
    SESSION_REVOCATION_KEY_PREFIX: `${namespace}revoked-session:`,
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    TRUST_PROXY: 'true',
  });
  const gatewayModule: DynamicModule = {
    module: class GatewayWithIdempotencyProbeModule {},
    imports: [AppModule.forRoot(gatewayConfig)],
    controllers: [IdempotencyProbeController],
  };
  gateway = await startService({
    service: 'gateway',
    config: gatewayConfig,
    module: gatewayModule,
    configure: (app) => configureGatewayHttp(app, 'test'),
  });
});

afterAll(async () => {
  for (const running of [gateway, auth]) {
    if (!running) continue;
    const messaging = running.app.get(Messaging);
    await running.stop();
    await messaging.deleteTopology();
  }
});

// ---- helpers ---------------------------------------------------------------------------------------------------

interface Sent {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function post(path: string, json: unknown, headers: Record<string, string> = {}): Promise<Sent> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

function register(json: unknown, headers: Record<string, string> = {}): Promise<Sent> {
  return post('/v1/auth/register', json, { 'x-forwarded-for': '198.51.100.1', ...headers });
}

/** A registration with an email no other test (nor an earlier run) uses; `kind` picks the chassis's behaviour. */
function registration(kind = 'user'): { email: string; password: string; fullName: string } {
  return { email: `${kind}-${randomUUID()}@example.com`, password: 'correct horse battery', fullName: 'Ada' };
}

function expectProblem(sent: Sent, status: number, code: string): void {
  expect(sent.headers.get('content-type')).toContain('application/problem+json');
  expect({ status: sent.status, code: sent.body.code }).toEqual({ status, code });
}

async function bearer(sub = randomUUID()): Promise<Record<string, string>> {
  const token = await signAccessToken(
    keyset,
    { sub, sid: randomUUID(), roles: ['customer'], scopes: [], amr: ['pwd'] },
    { issuer, audience },
  );
  return { authorization: `Bearer ${token}` };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

// ---- register (optional key, public: scoped to the client address) ---------------------------------------------

describe('POST /v1/auth/register with Idempotency-Key', () => {
  it('forwards the first request and replays its answer to a retry without calling again', async () => {
    const key = randomUUID();
    const body = registration();
    const first = await register(body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(calls.get(body.email)).toBe(1);

    // The same body in another key order is the same request.
    const reordered = { fullName: body.fullName, password: body.password, email: body.email };
    const retry = await register(reordered, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(retry.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(retry.body).toEqual(first.body);
    expect(calls.get(body.email)).toBe(1);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused, nothing forwarded', async () => {
    const key = randomUUID();
    const body = registration();
    expect((await register(body, { 'idempotency-key': key })).status).toBe(201);
    const other = { ...body, fullName: 'Grace' };
    expectProblem(await register(other, { 'idempotency-key': key }), 422, 'idempotency_key_reused');
    expect(calls.get(body.email)).toBe(1);
  });

  it('answers 409 request_in_progress to a duplicate while the first is in flight, then replays', async () => {
    const key = randomUUID();
    const body = registration('slow');
    const first = register(body, { 'idempotency-key': key });
    await until(() => calls.get(body.email) === 1);
    expectProblem(await register(body, { 'idempotency-key': key }), 409, 'request_in_progress');
    const answered = await first;
    expect(answered.status).toBe(201);
    const retry = await register(body, { 'idempotency-key': key });
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 201, body: answered.body });
    expect(calls.get(body.email)).toBe(1);
  });

  it('does not store a refusal by validation: the corrected retry with the same key goes through', async () => {
    const key = randomUUID();
    const body = registration();
    const invalid = { ...body, password: 12 };
    expectProblem(await register(invalid, { 'idempotency-key': key }), 422, 'validation_failed');
    // Not replayed either: validated again.
    const again = await register(invalid, { 'idempotency-key': key });
    expectProblem(again, 422, 'validation_failed');
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(calls.get(body.email)).toBeUndefined();

    const corrected = await register(body, { 'idempotency-key': key });
    expect(corrected.status).toBe(201);
    expect(calls.get(body.email)).toBe(1);
  });

  it('stores a business refusal from the owning service and replays it', async () => {
    const key = randomUUID();
    const body = registration('taken');
    const first = await register(body, { 'idempotency-key': key });
    expectProblem(first, 409, 'conflict');
    const retry = await register(body, { 'idempotency-key': key });
    expectProblem(retry, 409, 'conflict');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(calls.get(body.email)).toBe(1);
  });

  it('releases the key after a retryable failure (503): the retry runs again', async () => {
    const key = randomUUID();
    const body = registration('flaky');
    expectProblem(await register(body, { 'idempotency-key': key }), 503, 'service_unavailable');
    const retry = await register(body, { 'idempotency-key': key });
    expectProblem(retry, 503, 'service_unavailable');
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(calls.get(body.email)).toBe(2);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['not ASCII', 'clé'],
    ['a tab', 'key\tvalue'],
  ])('refuses a malformed key (%s): 400 invalid_idempotency_key, nothing forwarded', async (_what, key) => {
    const body = registration();
    expectProblem(await register(body, { 'idempotency-key': key }), 400, 'invalid_idempotency_key');
    expect(calls.get(body.email)).toBeUndefined();
  });

  it('accepts the longest key (255 printable characters, spaces included)', async () => {
    const key = `a b~${'z'.repeat(251)}`;
    expect(key).toHaveLength(255);
    const body = registration();
    expect((await register(body, { 'idempotency-key': `${key}` })).status).toBe(201);
    expect((await register(body, { 'idempotency-key': key })).headers.get('idempotent-replayed')).toBe(
      'true',
    );
  });

  it('keeps callers apart: two addresses with one key each get their own answer', async () => {
    const key = randomUUID();
    const body = registration();
    const fromA = await register(body, { 'idempotency-key': key, 'x-forwarded-for': '198.51.100.7' });
    const fromB = await register(body, { 'idempotency-key': key, 'x-forwarded-for': '198.51.100.8' });
    expect([fromA.status, fromB.status]).toEqual([201, 201]);
    expect(fromB.headers.get('idempotent-replayed')).toBeNull();
    expect(fromB.body).not.toEqual(fromA.body);
    // A different body under the same key from another caller is not "reused" either.
    const other = await register(registration(), {
      'idempotency-key': key,
      'x-forwarded-for': '198.51.100.9',
    });
    expect(other.status).toBe(201);
    expect(calls.get(body.email)).toBe(2);
  });

  it('stays optional: without a key every request is forwarded', async () => {
    const body = registration();
    expect((await register(body)).status).toBe(201);
    expect((await register(body)).status).toBe(201);
    expect(calls.get(body.email)).toBe(2);
  });
});

// ---- a protected route with a required key (scoped to the token's subject) ------------------------------------

describe('a protected route with @Idempotent({ required: true })', () => {
  const path = '/v1/idempotency-probe/transfers';

  it('refuses a request without a key: 400 idempotency_key_required', async () => {
    const reference = `ref-${randomUUID()}`;
    expectProblem(await post(path, { reference }, await bearer()), 400, 'idempotency_key_required');
    expect(calls.get(`${reference}@probe.test`)).toBeUndefined();
  });

  it('checks the token before the key: no token is 401 whatever the key', async () => {
    expectProblem(await post(path, { reference: 'x' }), 401, 'unauthorized');
  });

  it('replays status, body and Location to the same caller, and hands the handler the key', async () => {
    const key = randomUUID();
    const reference = `ref-${randomUUID()}`;
    const sub = randomUUID();
    const caller = await bearer(sub);
    const first = await post(path, { reference }, { ...caller, 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String) as unknown, key });
    expect(first.headers.get('location')).toBe(`/v1/idempotency-probe/transfers/${String(first.body.id)}`);

    // Another token of the same user (a new session) is the same caller.
    const sameUser = await bearer(sub);
    const retry = await post(path, { reference }, { ...sameUser, 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.body).toEqual(first.body);
    expect(calls.get(`${reference}@probe.test`)).toBe(1);
  });

  it('keeps two users apart under one key', async () => {
    const key = randomUUID();
    const reference = `ref-${randomUUID()}`;
    const first = await post(path, { reference }, { ...(await bearer()), 'idempotency-key': key });
    const second = await post(path, { reference }, { ...(await bearer()), 'idempotency-key': key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toEqual(first.body.id);
    expect(calls.get(`${reference}@probe.test`)).toBe(2);
  });
});

describe('OpenAPI', () => {
  it('documents the Idempotency-Key header and the 409/422 answers on decorated operations only', async () => {
    const response = await fetch(`${gateway.url}/openapi.json`);
    const document = (await response.json()) as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string; required?: boolean }[]; responses: object }>
      >;
    };
    const registerOperation = document.paths['/v1/auth/register'].post;
    expect(registerOperation.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
    expect(Object.keys(registerOperation.responses)).toEqual(
      expect.arrayContaining(['201', '400', '409', '422', '429']),
    );
    const probe = document.paths['/v1/idempotency-probe/transfers'].post;
    expect(probe.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
    const login = document.paths['/v1/auth/login'].post;
    expect(login.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }));
  });
});

// ---- last: the gateway's Redis connections go away -------------------------------------------------------------

describe('without Redis', () => {
  it('reports the revocation connection in readiness: 503 once it is down', async () => {
    const before = await fetch(`${gateway.url}/health/ready`);
    expect(before.status).toBe(200);
    expect(((await before.json()) as { checks: Record<string, string> }).checks).toMatchObject({
      redis: 'up',
      'revocation-redis': 'up',
    });
    gateway.app.get<RedisClient>(SESSION_REVOCATION_REDIS).disconnect();
    const after = await fetch(`${gateway.url}/health/ready`);
    expect(after.status).toBe(503);
    expect(((await after.json()) as { checks: Record<string, string> }).checks).toMatchObject({
      redis: 'up',
      'revocation-redis': 'down',
    });
  });

  it('refuses a keyed request with 503 (fail closed), and still serves one without a key', async () => {
    gateway.app.get(RedisClient).disconnect();
    const body = registration();
    expectProblem(await register(body, { 'idempotency-key': randomUUID() }), 503, 'service_unavailable');
    expect(calls.get(body.email)).toBeUndefined();
    expect((await register(body)).status).toBe(201);
  });
});
