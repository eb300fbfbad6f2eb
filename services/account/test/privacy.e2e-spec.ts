import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startStackProcess, type StackProcess, uniqueEmail } from '@kasho/testing';

// Customers, wallets and the right to be forgotten end to end: the gateway, auth, account and transaction services
// run as processes (the local stack script) and the test acts as two customers would. Registration reaches the
// account service by event; ownership answers 404; the data export gathers every service; erasure crypto-shreds the
// profile, revokes the sessions (the auth service, told by event) and pseudonymises the identity.

let stack: StackProcess;

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(
  method: string,
  pathName: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${stack.gatewayUrl}${pathName}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function customer(fullName: string): Promise<{ email: string; password: string; token: string }> {
  const email = uniqueEmail('privacy');
  const password = `a long passphrase ${randomUUID()}`;
  expect((await call('POST', '/v1/auth/register', { body: { email, password, fullName } })).status).toBe(201);
  const login = await call<{ accessToken: string }>('POST', '/v1/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  const token = login.body.accessToken;
  // The account service learns of the registration by event.
  await until('the customer profile', async () => {
    const profile = await call<{ email: string | null }>('GET', '/v1/me/profile', { token });
    return profile.body.email === email ? profile : undefined;
  });
  return { email, password, token };
}

async function authDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: stack.serviceEnv('auth').DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  stack = await startStackProcess({ services: ['auth', 'transaction', 'account', 'gateway'] });
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
}, 60_000);

it('opens wallets, hides them from others, exports everything and forgets on request', async () => {
  const ana = await customer('Anastasia Forgettable');
  const bob = await customer('Bob Other');

  const patched = await call('PATCH', '/v1/me/profile', {
    token: ana.token,
    body: { phone: '+33 7 00 11 22 33', dateOfBirth: '1991-02-03' },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ phone: '+33700112233', fullName: 'Anastasia Forgettable' });

  const key = randomUUID();
  const opened = await call<{ id: string; ledgerAccountId: string }>('POST', '/v1/accounts', {
    token: ana.token,
    body: { currency: 'EUR', nickname: 'Daily' },
    headers: { 'idempotency-key': key },
  });
  expect(opened.status).toBe(201);
  expect(opened.body).toMatchObject({
    status: 'active',
    balance: { available: '0', posted: '0', pending: '0' },
  });
  const walletId = opened.body.id;

  // Bob: Ana's wallet is 404 exactly like a random id.
  const foreign = await call('GET', `/v1/accounts/${walletId}`, { token: bob.token });
  const random = await call('GET', `/v1/accounts/${randomUUID()}`, { token: bob.token });
  const withoutInstance = ({ status, body }: Answer<Record<string, unknown>>) => {
    const { instance: _instance, ...rest } = body;
    return { status, body: rest };
  };
  expect(withoutInstance(foreign)).toEqual(withoutInstance(random));
  expect(foreign.status).toBe(404);
  expect((await call('GET', `/v1/accounts/${walletId}/transactions`, { token: bob.token })).status).toBe(404);

  const exported = await call<{ sections: Record<string, { status: string; data?: unknown }> }>(
    'GET',
    '/v1/me/data-export',
    { token: ana.token },
  );
  expect(exported.status).toBe(200);
  expect(Object.keys(exported.body.sections).sort()).toEqual(['account', 'auth', 'transaction']);
  expect(
    Object.fromEntries(
      Object.entries(exported.body.sections).map(([name, section]) => [name, section.status]),
    ),
  ).toEqual({ account: 'ok', auth: 'ok', transaction: 'ok' });
  expect(JSON.stringify(exported.body.sections.auth)).toContain(ana.email);
  expect(JSON.stringify(exported.body.sections.transaction)).toContain(opened.body.ledgerAccountId);

  expect((await call('DELETE', '/v1/me', { token: ana.token })).status).toBe(204);

  // The auth service revokes the sessions when the erasure event reaches it: the token stops working.
  await until('the session revocation', async () => {
    const me = await call('GET', '/v1/me', { token: ana.token });
    return me.status === 401 ? me : undefined;
  });
  const relogin = await call('POST', '/v1/auth/login', {
    body: { email: ana.email, password: ana.password },
  });
  expect(relogin.status).toBe(401);
  const user = await authDatabase((client) =>
    client
      .query<{ email: string; full_name: string }>(
        'SELECT "email", "full_name" FROM "users" WHERE "email" LIKE $1',
        [`erased+%@erased.invalid`],
      )
      .then((result) => result.rows),
  );
  expect(user.length).toBeGreaterThanOrEqual(1);
  const stillThere = await authDatabase((client) =>
    client.query('SELECT 1 FROM "users" WHERE "email" = $1', [ana.email]).then((result) => result.rowCount),
  );
  expect(stillThere).toBe(0);
  // Bob is untouched.
  expect((await call('GET', '/v1/me/profile', { token: bob.token })).status).toBe(200);
});
