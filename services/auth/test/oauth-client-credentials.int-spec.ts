import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyAuditChain } from '@kasho/audit';
import { loadConfig } from '@kasho/config';
import { authJwksRpc, type ClientTokenRequest, identityRpc } from '@kasho/contracts';
import { createDataSource } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Messaging, RpcClient } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createAccessTokenVerifier, createKeySet, serializeKeySet } from '@kasho/security';
import { createTestDatabase, createTestNamespace, freePort, type TestDatabase } from '@kasho/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { authEnv } from '../src/config';
import { authSchema } from '../src/database';
import { CLIENT_FAILURE_LIMIT } from '../src/oauth/client-token-throttle';
import { runCreateClientCli } from '../src/oauth/create-client.cli';

// The client credentials grant through the real broker, database and Redis: a client made by the create-client
// command gets a token the service's own JWKS verifies; every refusal is the RFC 6749 code, is audited, and
// failures per client are throttled in Redis.

const issuer = 'https://auth.kasho.local';
const audience = 'kasho-api';
let directory: string;
let database: TestDatabase;
let auth: RunningService;
let rpc: RpcClient;
let dataSource: DataSource;

interface Client {
  client_id: string;
  client_secret: string;
  name: string;
  scopes: string[];
}

async function createClient(...argv: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCreateClientCli(
    () =>
      createDataSource({
        url: database.url,
        entities: authSchema.entities,
        migrations: authSchema.migrations,
      }),
    argv,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  return { status, out, err };
}

async function newClient(scopes = 'payments:read payments:write'): Promise<Client> {
  const { status, out, err } = await createClient('--name', 'Partner X', '--scopes', scopes);
  expect({ status, err }).toEqual({ status: 0, err: [] });
  return JSON.parse(out[0] ?? '') as Client;
}

function tokenRequest(client: Client, overrides: Partial<ClientTokenRequest> = {}): ClientTokenRequest {
  return {
    grantType: 'client_credentials',
    clientId: client.client_id,
    clientSecret: client.client_secret,
    client: { ip: '203.0.113.7' },
    ...overrides,
  };
}

async function refusal(request: ClientTokenRequest): Promise<DomainError> {
  const error = await rpc.call(identityRpc.clientToken, request).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

interface AuditRow {
  action: string;
  outcome: string;
  actor_type: string;
  actor_id: string | null;
  details: Record<string, unknown>;
}

function auditRowsOf(clientId: string): Promise<AuditRow[]> {
  return dataSource.query<AuditRow[]>(
    'SELECT "action", "outcome", "actor_type", "actor_id", "details" FROM "audit_log" ' +
      'WHERE "subject_id" = $1 ORDER BY "sequence"',
    [clientId],
  );
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'kasho-auth-oauth-'));
  database = await createTestDatabase('auth_oauth');
  const config = loadConfig(authEnv, {
    AMQP_NAMESPACE: createTestNamespace('auth-oauth'),
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: `kasho:test:auth-oauth:${randomBytes(4).toString('hex')}:`,
    AUTH_SIGNING_KEYS: serializeKeySet(await createKeySet()),
    AUTH_SIGNING_KEYS_FILE: path.join(directory, 'unused.json'),
    AUTH_DATA_KEY: randomBytes(32).toString('base64'),
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: audience,
  });
  auth = await startService({ service: 'auth', config, module: AppModule.forRoot(config) });
  rpc = auth.app.get(RpcClient);
  dataSource = auth.app.get(DataSource);
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

describe('oauth.token (client credentials)', () => {
  it('issues a token for a subset of the client scopes that the JWKS verifies and that names the client', async () => {
    const client = await newClient();
    const response = await rpc.call(
      identityRpc.clientToken,
      tokenRequest(client, { scope: 'payments:read' }),
    );
    expect(response).toEqual({
      access_token: expect.any(String) as string,
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'payments:read',
    });

    const verifier = createAccessTokenVerifier({
      issuer,
      audience,
      jwks: () => rpc.call(authJwksRpc, {}),
    });
    const claims = await verifier.verify(response.access_token);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: audience,
      sub: client.client_id,
      clientId: client.client_id,
      roles: [],
      scopes: ['payments:read'],
    });
    expect(claims.sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.amr).toBeUndefined();
  });

  it('grants every scope of the client when none is asked for', async () => {
    const client = await newClient('payments:read wallets:read');
    const response = await rpc.call(identityRpc.clientToken, tokenRequest(client));
    expect(response.scope).toBe('payments:read wallets:read');
  });

  it('answers a wrong secret, an unknown client and a disabled client alike: invalid_client', async () => {
    const client = await newClient();
    const disabled = await newClient();
    expect((await createClient('--disable', disabled.client_id)).status).toBe(0);

    const wrongSecret = await refusal(
      tokenRequest(client, { clientSecret: randomBytes(32).toString('base64url') }),
    );
    const unknown = await refusal(tokenRequest(client, { clientId: 'kc_aaaaaaaaaaaaaaaaaaaa' }));
    const malformed = await refusal(tokenRequest(client, { clientId: "x' OR 1=1 --" }));
    const empty = await refusal(tokenRequest(client, { clientSecret: '' }));
    const whenDisabled = await refusal(tokenRequest(disabled));
    const shapes = [wrongSecret, unknown, malformed, empty, whenDisabled].map((error) => error.toJSON());
    for (const shape of shapes) {
      expect(shape).toEqual({ code: ErrorCode.OAuthInvalidClient, detail: 'Client authentication failed.' });
    }

    // The right secret still works for the client whose secret was guessed wrong.
    await expect(rpc.call(identityRpc.clientToken, tokenRequest(client))).resolves.toMatchObject({
      token_type: 'Bearer',
    });
  });

  it('refuses a scope the client does not hold, or a malformed one: invalid_scope', async () => {
    const client = await newClient('payments:read');
    for (const scope of [
      'payments:write',
      'payments:read wallets:read',
      'backoffice:admin',
      'payments:read  x',
    ]) {
      expect((await refusal(tokenRequest(client, { scope }))).code).toBe(ErrorCode.OAuthInvalidScope);
    }
  });

  it('refuses any grant type but client_credentials, and a request without one', async () => {
    const client = await newClient();
    for (const grantType of ['password', 'authorization_code', 'refresh_token', 'CLIENT_CREDENTIALS']) {
      expect((await refusal(tokenRequest(client, { grantType }))).code).toBe(
        ErrorCode.OAuthUnsupportedGrantType,
      );
    }
    expect((await refusal(tokenRequest(client, { grantType: '' }))).code).toBe(ErrorCode.OAuthInvalidRequest);
  });

  it(`stops checking a client's secret after ${CLIENT_FAILURE_LIMIT} failures in a minute`, async () => {
    const client = await newClient();
    const other = await newClient();
    for (let attempt = 0; attempt < CLIENT_FAILURE_LIMIT; attempt += 1) {
      const error = await refusal(tokenRequest(client, { clientSecret: `wrong-${attempt}` }));
      expect(error.code).toBe(ErrorCode.OAuthInvalidClient);
    }
    // Now even the right secret is refused, with the same answer; another client is not affected.
    expect((await refusal(tokenRequest(client))).toJSON()).toEqual({
      code: ErrorCode.OAuthInvalidClient,
      detail: 'Client authentication failed.',
    });
    await expect(rpc.call(identityRpc.clientToken, tokenRequest(other))).resolves.toMatchObject({
      token_type: 'Bearer',
    });
    const reasons = (await auditRowsOf(client.client_id)).map((row) => row.details.reason);
    expect(reasons.filter((reason) => reason === 'invalid_secret')).toHaveLength(CLIENT_FAILURE_LIMIT);
    expect(reasons.at(-1)).toBe('throttled');
  });

  it('audits creation, every issue and every refusal, never the secret, and the chain verifies', async () => {
    const client = await newClient();
    await rpc.call(identityRpc.clientToken, tokenRequest(client, { scope: 'payments:write' }));
    await refusal(tokenRequest(client, { clientSecret: 'nope' }));
    await refusal(tokenRequest(client, { scope: 'wallets:read' }));
    expect((await createClient('--disable', client.client_id)).status).toBe(0);

    const rows = await auditRowsOf(client.client_id);
    expect(rows.map((row) => [row.action, row.outcome, row.details.reason ?? null])).toEqual([
      ['auth.client.created', 'success', null],
      ['auth.client_token.issued', 'success', null],
      ['auth.client_token.refused', 'failure', 'invalid_secret'],
      ['auth.client_token.refused', 'failure', 'invalid_scope'],
      ['auth.client.disabled', 'success', null],
    ]);
    const tokenRows = rows.filter((row) => row.action.startsWith('auth.client_token.'));
    for (const row of tokenRows) expect([row.actor_type, row.actor_id]).toEqual(['client', client.client_id]);
    expect(rows[1]?.details).toMatchObject({ scopes: ['payments:write'], expiresIn: 600 });
    const [{ last_used_at: lastUsedAt }] = await dataSource.query<Array<{ last_used_at: Date | null }>>(
      'SELECT "last_used_at" FROM "oauth_clients" WHERE "client_id" = $1',
      [client.client_id],
    );
    expect(lastUsedAt).toBeInstanceOf(Date);

    const everything = JSON.stringify(await dataSource.query('SELECT * FROM "audit_log"'));
    expect(everything).not.toContain(client.client_secret);
    const [stored] = await dataSource.query<Array<{ secret_hash: string }>>(
      'SELECT "secret_hash" FROM "oauth_clients" WHERE "client_id" = $1',
      [client.client_id],
    );
    expect(stored?.secret_hash).toMatch(/^sha256\$/);
    expect(stored?.secret_hash).not.toContain(client.client_secret);

    await expect(verifyAuditChain(dataSource)).resolves.toMatchObject({ ok: true });
  });

  it('audits a refusal for an unknown client without an actor', async () => {
    const marker = `kc_${'b'.repeat(20)}`;
    await refusal({
      grantType: 'client_credentials',
      clientId: marker,
      clientSecret: 'x',
      client: { ip: '::1' },
    });
    const [row] = await dataSource.query<AuditRow[]>(
      'SELECT "action", "outcome", "actor_type", "actor_id", "details" FROM "audit_log" ORDER BY "sequence" DESC LIMIT 1',
    );
    expect(row).toMatchObject({
      action: 'auth.client_token.refused',
      outcome: 'failure',
      actor_type: 'client',
      actor_id: null,
      details: { reason: 'unknown_client' },
    });
  });
});

describe('create-client', () => {
  it('refuses scopes a client may never hold, no scope, and bad usage', async () => {
    const bad = await createClient('--name', 'X', '--scopes', 'payments:read backoffice:admin');
    expect(bad.status).toBe(1);
    expect(bad.err.join('\n')).toMatch(/backoffice:admin/);
    expect((await createClient('--name', 'X', '--scopes', '')).status).toBe(1);
    expect((await createClient('--name', 'X')).status).toBe(2);
    expect((await createClient('--bogus')).status).toBe(2);
    expect((await createClient('--disable', 'kc_cccccccccccccccccccc')).status).toBe(1);
  });
});
