import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { decodeBase32, totp } from '@kasho/security';
import { REPO_ROOT, startStackProcess, type StackProcess, uniqueEmail } from '@kasho/testing';

// The back office's ledger routes end to end: the auth, transaction and gateway services run as processes (the
// local stack script) and the test acts as an operator would — creates the first admin with the CLI, turns MFA on,
// signs in through the second step, adjusts the ledger with an Idempotency-Key, reads the accounts and the trial
// balance, and runs the ledger's verify command.

let stack: StackProcess;

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
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
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

function cli(
  service: string,
  script: string,
  args: string[],
  input?: string,
): { status: number | null; stdout: string } {
  const result = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, `services/${service}/dist/${script}`), ...args],
    {
      cwd: REPO_ROOT,
      env: stack.serviceEnv(service),
      input,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout };
}

/** Signs in; with MFA on, completes the second step with a recovery code. */
async function signIn(email: string, password: string, recoveryCode?: string): Promise<string> {
  const first = await call<{ accessToken?: string; mfaToken?: string }>('POST', '/v1/auth/login', {
    body: { email, password },
  });
  expect(first.status).toBe(200);
  if (first.body.accessToken) return first.body.accessToken;
  const second = await call<{ accessToken: string }>('POST', '/v1/auth/mfa/verify', {
    body: { mfaToken: first.body.mfaToken, code: recoveryCode },
  });
  expect(second.status).toBe(200);
  return second.body.accessToken;
}

interface LedgerAccountItem {
  id: string;
  type: string;
  currency: string;
  debitsPosted: string;
  creditsPosted: string;
  balance: string;
}

let adminToken: string;
let customerToken: string;

beforeAll(async () => {
  stack = await startStackProcess({
    services: ['auth', 'transaction', 'gateway'],
    env: { RATE_LIMIT_IP_PER_MINUTE: '100000' },
  });

  const email = uniqueEmail('ledger-admin');
  const password = `ledger ${randomBytes(6).toString('hex')} keeper`;
  const created = cli(
    'auth',
    'create-user.js',
    ['--email', email, '--role', 'admin', '--full-name', 'Ledger Admin', '--password-stdin'],
    password,
  );
  expect(created.status).toBe(0);
  const firstToken = await signIn(email, password);
  const setup = await call<{ secret: string }>('POST', '/v1/auth/mfa/totp/setup', { token: firstToken });
  const activated = await call<{ recoveryCodes: string[] }>('POST', '/v1/auth/mfa/totp/activate', {
    token: firstToken,
    body: { code: totp(decodeBase32(setup.body.secret), new Date()) },
  });
  expect(activated.status).toBe(200);
  adminToken = await signIn(email, password, activated.body.recoveryCodes[0]);

  const customerEmail = uniqueEmail('ledger-customer');
  const customerPassword = `plain ${randomBytes(6).toString('hex')} customer`;
  await call('POST', '/v1/auth/register', {
    body: { email: customerEmail, password: customerPassword, fullName: 'Plain Customer' },
  });
  customerToken = await signIn(customerEmail, customerPassword);
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
});

async function operatorAccount(type: string): Promise<LedgerAccountItem> {
  const page = await call<{ data: LedgerAccountItem[] }>(
    'GET',
    `/v1/admin/ledger/accounts?type=${type}&currency=EUR`,
    { token: adminToken },
  );
  expect(page.status).toBe(200);
  expect(page.body.data).toHaveLength(1);
  return page.body.data[0];
}

describe('back-office ledger routes through the real gateway, auth and transaction services', () => {
  it('adjusts the ledger once per Idempotency-Key, keeps it balanced, and the verify command agrees', async () => {
    const settlement = await operatorAccount('settlement');
    const fees = await operatorAccount('fees');
    const key = randomUUID();
    const body = {
      debitAccountId: settlement.id,
      creditAccountId: fees.id,
      amount: '1050',
      currency: 'EUR',
      reason: 'end-to-end adjustment',
    };

    const first = await call<{ id: string; amount: string }>('POST', '/v1/admin/ledger/transfers', {
      token: adminToken,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(first.body.amount).toBe('1050');

    const replay = await call<{ id: string }>('POST', '/v1/admin/ledger/transfers', {
      token: adminToken,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);

    const reused = await call('POST', '/v1/admin/ledger/transfers', {
      token: adminToken,
      body: { ...body, amount: '1051' },
      headers: { 'idempotency-key': key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');

    const settlementAfter = await operatorAccount('settlement');
    const feesAfter = await operatorAccount('fees');
    expect(BigInt(settlementAfter.debitsPosted) - BigInt(settlement.debitsPosted)).toBe(1050n);
    expect(BigInt(feesAfter.creditsPosted) - BigInt(fees.creditsPosted)).toBe(1050n);

    const trialBalance = await call<{ balanced: boolean; currencies: Array<{ currency: string }> }>(
      'GET',
      '/v1/admin/ledger/reconciliation',
      { token: adminToken },
    );
    expect(trialBalance.status).toBe(200);
    expect(trialBalance.body.balanced).toBe(true);

    const verified = cli('transaction', 'ledger-verify.js', []);
    expect(verified.status).toBe(0);
  });

  it('refuses bad money, a missing key, and anyone but an admin whose session passed MFA', async () => {
    const settlement = await operatorAccount('settlement');
    const fees = await operatorAccount('fees');
    const body = {
      debitAccountId: settlement.id,
      creditAccountId: fees.id,
      currency: 'EUR',
      reason: 'probe',
    };

    const leadingZero = await call('POST', '/v1/admin/ledger/transfers', {
      token: adminToken,
      body: { ...body, amount: '0100' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(leadingZero.status).toBe(422);
    expect(leadingZero.body.code).toBe('invalid_amount');

    const noKey = await call('POST', '/v1/admin/ledger/transfers', {
      token: adminToken,
      body: { ...body, amount: '1' },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe('idempotency_key_required');

    const asCustomer = await call('POST', '/v1/admin/ledger/transfers', {
      token: customerToken,
      body: { ...body, amount: '1' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(asCustomer.status).toBe(403);
  });
});
