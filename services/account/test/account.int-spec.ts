import { randomUUID } from 'node:crypto';
import {
  accountRpc,
  type DataExport,
  EVENT_CONSUMERS,
  identityEvents,
  ledgerEvents,
  ledgerRpc,
  type TransferEventPayload,
  type UserRegisteredPayload,
} from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { createEventEnvelope } from '@kasho/messaging';
import { ledgerAccountIdFor, walletIdFor } from '../src/core/ids';
import { CustomerVault } from '../src/customers/customer-vault';
import { KycRetentionService } from '../src/retention/kyc-retention.service';
import { WalletsRepository } from '../src/wallets/wallets.repository';
import { WalletsService } from '../src/wallets/wallets.service';
import { type AccountHarness, type Customer, startAccountHarness } from './account-harness';

// The account service against real PostgreSQL, Redis and RabbitMQ, with the real ledger (the transaction service
// as a process) behind it: ownership, personal data at rest, the balance cache and the ledger's events, the limit
// race, crash recovery of a wallet, closing and erasure.

let h: AccountHarness;

beforeAll(async () => {
  h = await startAccountHarness('main');
}, 180_000);

afterAll(async () => {
  await h?.stop();
}, 60_000);

async function openWallet(customer: Customer, idempotencyKey?: string) {
  return h.call(accountRpc.openWallet, {
    userId: customer.userId,
    sessionId: customer.sessionId,
    currency: 'EUR',
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
}

const caller = (customer: Customer) => ({ userId: customer.userId, sessionId: customer.sessionId });

it('declares exactly the event consumers the contracts list (tests delete their queues from that list)', () => {
  expect(h.messaging.consumers.all.map((consumer) => consumer.name).sort()).toEqual(
    [...(EVENT_CONSUMERS.account ?? [])].sort(),
  );
});

describe('customers', () => {
  it('are created once from the registration event, also when it is delivered twice', async () => {
    const userId = randomUUID();
    const envelope = createEventEnvelope<UserRegisteredPayload>('auth', identityEvents.userRegistered, {
      userId,
      email: 'twice@example.test',
      fullName: 'Twice Delivered',
      registeredAt: new Date().toISOString(),
    });
    const before = h.handledCount('identity');
    await h.publish(envelope);
    await h.publish(envelope);
    await h.handled('identity', before + 2);
    const rows = await h.dataSource.query<unknown[]>('SELECT "id" FROM "customers" WHERE "id" = $1', [
      userId,
    ]);
    expect(rows).toHaveLength(1);
    const events = await h.dataSource.query<unknown[]>(
      `SELECT "id" FROM "outbox_messages" WHERE "type" = 'account.customer.created.v1' AND "payload"->'payload'->>'customerId' = $1`,
      [userId],
    );
    expect(events).toHaveLength(1);
    const profile = await h.call(accountRpc.getProfile, { userId, sessionId: randomUUID() });
    expect(profile).toMatchObject({
      email: 'twice@example.test',
      fullName: 'Twice Delivered',
      kycStatus: 'none',
    });
  });

  it('keep no personal data in plaintext in the database', async () => {
    const customer = await h.customer('Zacharie Plaintext-Hunter');
    const updated = await h.call(accountRpc.updateProfile, {
      ...caller(customer),
      changes: {
        phone: '+33 6 12 34 56 78',
        address: { line1: '12 rue des Secrets', city: 'Montpellier', postalCode: '34000', country: 'FR' },
        dateOfBirth: '1987-06-05',
      },
    });
    expect(updated).toMatchObject({
      fullName: 'Zacharie Plaintext-Hunter',
      phone: '+33612345678',
      dateOfBirth: '1987-06-05',
      address: { line1: '12 rue des Secrets', city: 'Montpellier' },
    });
    const [row] = await h.dataSource.query<Array<Record<string, unknown>>>(
      'SELECT c.*, k."wrapped_key" FROM "customers" c JOIN "customer_keys" k ON k."customer_id" = c."id" WHERE c."id" = $1',
      [customer.userId],
    );
    // Every column as text (bytea as hex and as UTF-8) must be free of every piece of the profile.
    const dump = Object.values(row)
      .map((value) =>
        Buffer.isBuffer(value) ? `${value.toString('hex')} ${value.toString('utf8')}` : JSON.stringify(value),
      )
      .join(' ')
      .toLowerCase();
    for (const secret of [
      customer.email,
      'zacharie',
      'plaintext',
      '612345678',
      'secrets',
      'montpellier',
      '34000',
      '1987-06-05',
    ])
      expect(dump).not.toContain(secret.toLowerCase());
    expect(row.profile_enc).toBeInstanceOf(Buffer);
    expect(row.email_bidx).toBeInstanceOf(Buffer);
  });

  it('refuses an invalid profile naming each field', async () => {
    const customer = await h.customer();
    const error = await h.failure(accountRpc.updateProfile, {
      ...caller(customer),
      changes: { phone: 'call me', dateOfBirth: '2999-01-01', nickname: 'x' } as never,
    });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.errors?.map((e) => e.pointer).sort()).toEqual(['/dateOfBirth', '/nickname', '/phone']);
  });
});

describe('ownership', () => {
  it("answers another customer's wallet exactly like an unknown id", async () => {
    const ana = await h.customer('Ana');
    const bob = await h.customer('Bob');
    const wallet = await openWallet(ana);
    const unknown = randomUUID();
    for (const request of [
      (id: string) => h.failure(accountRpc.getWallet, { ...caller(bob), accountId: id }),
      (id: string) => h.failure(accountRpc.statement, { ...caller(bob), accountId: id, limit: 10 }),
      (id: string) => h.failure(accountRpc.balanceAt, { ...caller(bob), accountId: id }),
      (id: string) => h.failure(accountRpc.closeWallet, { ...caller(bob), accountId: id }),
    ]) {
      const foreign = await request(wallet.id);
      const missing = await request(unknown);
      expect(foreign.code).toBe(ErrorCode.NotFound);
      expect({ code: foreign.code, detail: foreign.detail }).toEqual({
        code: missing.code,
        detail: missing.detail,
      });
    }
    // A transfer into Ana's wallet: hers to see, 404 for Bob exactly like an unknown transfer.
    const transferId = await h.fund(wallet.ledgerAccountId, 42n);
    expect(await h.call(accountRpc.getTransaction, { ...caller(ana), transferId })).toMatchObject({
      id: transferId,
      accountId: wallet.id,
      direction: 'credit',
      amount: '42',
    });
    const foreignTransfer = await h.failure(accountRpc.getTransaction, { ...caller(bob), transferId });
    const unknownTransfer = await h.failure(accountRpc.getTransaction, {
      ...caller(bob),
      transferId: randomUUID(),
    });
    expect(foreignTransfer.code).toBe(ErrorCode.NotFound);
    expect(foreignTransfer.detail).toBe(unknownTransfer.detail);
    expect((await h.call(accountRpc.listWallets, caller(bob))).data).toEqual([]);
    // Bob's own view of his profile never shows Ana's data.
    expect((await h.call(accountRpc.getProfile, caller(bob))).fullName).toBe('Bob');
    expect((await h.call(accountRpc.getWallet, { ...caller(ana), accountId: wallet.id })).id).toBe(wallet.id);
  });
});

describe('wallets and the ledger', () => {
  it('opens once per Idempotency-Key, with its ledger account', async () => {
    const ana = await h.customer();
    const key = randomUUID();
    const first = await openWallet(ana, key);
    const again = await openWallet(ana, key);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({
      currency: 'EUR',
      status: 'active',
      ledgerAccountId: ledgerAccountIdFor(first.id),
      balance: { available: '0', posted: '0', pending: '0' },
    });
    const { accounts } = await h.call(ledgerRpc.lookupAccounts, { ids: [first.ledgerAccountId] });
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ type: 'customer_wallet', metadata: { walletId: first.id } });
  });

  it('shows a posted transfer in the balance read right after its event is consumed, also when redelivered', async () => {
    const ana = await h.customer();
    const wallet = await openWallet(ana);
    // Cached at zero.
    expect(
      (await h.call(accountRpc.getWallet, { ...caller(ana), accountId: wallet.id })).balance.posted,
    ).toBe('0');
    const handled = h.handledCount('ledger-balances');
    await h.fund(wallet.ledgerAccountId, 1234n);
    await h.handled('ledger-balances', handled + 1);
    const read = await h.call(accountRpc.getWallet, { ...caller(ana), accountId: wallet.id });
    expect(read.balance).toEqual({ available: '1234', posted: '1234', pending: '0' });

    // A redelivered event (same id, twice): handled as a duplicate, and the next read is still the ledger's truth.
    const redelivered = createEventEnvelope<TransferEventPayload>(
      'transaction',
      ledgerEvents.transferPosted,
      {
        transfer: {
          id: randomUUID(),
          kind: 'single',
          debitAccountId: randomUUID(),
          creditAccountId: wallet.ledgerAccountId,
          amount: '1',
          currency: 'EUR',
          code: 2,
          pendingId: null,
          timeoutAt: null,
          reference: 'redelivery',
          description: 'redelivery',
          metadata: {},
          createdAt: new Date().toISOString(),
        },
        debitAccount: {
          id: randomUUID(),
          debitsPending: '0',
          debitsPosted: '0',
          creditsPending: '0',
          creditsPosted: '0',
        },
        creditAccount: {
          id: wallet.ledgerAccountId,
          debitsPending: '0',
          debitsPosted: '0',
          creditsPending: '0',
          creditsPosted: '999999',
        },
      },
    );
    const before = h.handledCount('ledger-balances');
    await h.publish(redelivered);
    await h.publish(redelivered);
    await h.handled('ledger-balances', before + 2);
    const consumer = h.messaging.consumers.all.find((c) => c.name === 'ledger-balances');
    expect(consumer?.stats.duplicate).toBeGreaterThanOrEqual(1);
    const after = await h.call(accountRpc.getWallet, { ...caller(ana), accountId: wallet.id });
    expect(after.balance.posted).toBe('1234');

    // And once more for real: every transfer shows at once after its event.
    const again = h.handledCount('ledger-balances');
    await h.fund(wallet.ledgerAccountId, 66n);
    await h.handled('ledger-balances', again + 1);
    expect(
      (await h.call(accountRpc.getWallet, { ...caller(ana), accountId: wallet.id })).balance.posted,
    ).toBe('1300');
  });

  it('never caches a balance read before a transfer once that transfer’s event was consumed', async () => {
    const ana = await h.customer();
    const wallet = await openWallet(ana);
    const wallets = h.account.app.get(WalletsService);
    const cache = (
      wallets as unknown as {
        cache: { read: (id: string, load: () => Promise<unknown>) => Promise<unknown> };
      }
    ).cache;
    // Empty the cache (a transfer's event deletes the value), so the next read goes to the ledger.
    const funded = h.handledCount('ledger-balances');
    await h.fund(wallet.ledgerAccountId, 1n);
    await h.handled('ledger-balances', funded + 1);
    // A reader that fetched the old balance, then (slowly) stores it after the event was consumed.
    const handled = h.handledCount('ledger-balances');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const staleRead = cache.read(wallet.ledgerAccountId, async () => {
      const stale = { available: '1', posted: '1', pending: '0' };
      await gate;
      return stale;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.fund(wallet.ledgerAccountId, 500n);
    await h.handled('ledger-balances', handled + 1);
    release();
    await staleRead;
    expect(
      (await h.call(accountRpc.getWallet, { ...caller(ana), accountId: wallet.id })).balance.posted,
    ).toBe('501');
  });

  it('lists statement lines and answers the balance at a past time', async () => {
    const ana = await h.customer();
    const wallet = await openWallet(ana);
    const first = await h.fund(wallet.ledgerAccountId, 1000n);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await h.fund(wallet.ledgerAccountId, 250n, 'out');
    const statement = await h.call(accountRpc.statement, { ...caller(ana), accountId: wallet.id, limit: 10 });
    expect(
      statement.data.map((line) => [line.transferId, line.direction, line.amount, line.balanceAfter]),
    ).toEqual([
      [second, 'debit', '250', '750'],
      [first, 'credit', '1000', '1000'],
    ]);
    const past = await h.call(accountRpc.balanceAt, { ...caller(ana), accountId: wallet.id, at: between });
    expect(past).toMatchObject({ accountId: wallet.id, currency: 'EUR', posted: '1000' });
  });

  it('refuses to close an account with money in it (account_not_empty), closes it at zero', async () => {
    const ana = await h.customer();
    const wallet = await openWallet(ana);
    await h.fund(wallet.ledgerAccountId, 10n);
    const refused = await h.failure(accountRpc.closeWallet, { ...caller(ana), accountId: wallet.id });
    expect(refused.code).toBe(ErrorCode.AccountNotEmpty);
    await h.fund(wallet.ledgerAccountId, 10n, 'out');
    const closed = await h.call(accountRpc.closeWallet, { ...caller(ana), accountId: wallet.id });
    expect(closed.status).toBe('closed');
    // The ledger closed its account too: money can no longer land in a closed wallet.
    const { accounts } = await h.call(ledgerRpc.lookupAccounts, { ids: [wallet.ledgerAccountId] });
    expect(accounts[0].closed).toBe(true);
    await expect(h.fund(wallet.ledgerAccountId, 5n)).rejects.toThrow(/account_closed/);
    // Closing again answers the closed account.
    expect((await h.call(accountRpc.closeWallet, { ...caller(ana), accountId: wallet.id })).status).toBe(
      'closed',
    );
  });

  it('finishes a wallet a crash left opening, with exactly one ledger account', async () => {
    const ana = await h.customer();
    const key = randomUUID();
    // What `open` commits before it calls the ledger: the wallet row, opening, its ledger id fixed.
    const wallets = h.account.app.get(WalletsRepository);
    const walletId = walletIdFor(ana.userId, key);
    await h.dataSource.transaction((manager) =>
      wallets.insertOpening(manager, {
        id: walletId,
        customerId: ana.userId,
        currency: 'EUR',
        nickname: null,
        ledgerAccountId: ledgerAccountIdFor(walletId),
        now: new Date(Date.now() - 60_000),
      }),
    );
    // The crash: nothing else happened. Not visible to its owner yet.
    expect((await h.call(accountRpc.listWallets, caller(ana))).data).toEqual([]);
    const service = h.account.app.get(WalletsService);
    expect(await service.recoverOpening()).toBeGreaterThanOrEqual(1);
    expect(await service.recoverOpening()).toBe(0);
    // The client retries with the same key: the same wallet, the same ledger account.
    const retried = await openWallet(ana, key);
    expect(retried).toMatchObject({
      id: walletId,
      status: 'active',
      ledgerAccountId: ledgerAccountIdFor(walletId),
    });
    const { accounts } = await h.call(ledgerRpc.lookupAccounts, { ids: [ledgerAccountIdFor(walletId)] });
    expect(accounts).toHaveLength(1);
    const opened = await h.dataSource.query<unknown[]>(
      `SELECT 1 FROM "outbox_messages" WHERE "type" = 'account.account.opened.v1' AND "payload"->'payload'->>'accountId' = $1`,
      [walletId],
    );
    expect(opened).toHaveLength(1);
  });
});

describe('freeze (compliance)', () => {
  it('freezes and unfreezes with an audited reason', async () => {
    const ana = await h.customer();
    const wallet = await openWallet(ana);
    const actorId = randomUUID();
    const frozen = await h.call(accountRpc.freezeWallet, {
      actorId,
      accountId: wallet.id,
      reason: 'AML review',
    });
    expect(frozen.status).toBe('frozen');
    expect((await h.failure(accountRpc.closeWallet, { ...caller(ana), accountId: wallet.id })).code).toBe(
      ErrorCode.AccountFrozen,
    );
    const active = await h.call(accountRpc.unfreezeWallet, {
      actorId,
      accountId: wallet.id,
      reason: 'cleared',
    });
    expect(active.status).toBe('active');
    const audit = await h.dataSource.query<Array<{ action: string }>>(
      'SELECT "action" FROM "audit_log" WHERE "subject_id" = $1 ORDER BY "sequence"',
      [wallet.id],
    );
    expect(audit.map((row) => row.action)).toEqual(['account.wallet.frozen', 'account.wallet.unfrozen']);
  });
});

describe('KYC and limits', () => {
  it('moves none → pending → verified by a compliance decision, and the tier follows', async () => {
    const ana = await h.customer();
    expect((await h.call(accountRpc.getKyc, caller(ana))).status).toBe('none');
    const submission = await h.call(accountRpc.submitKyc, {
      ...caller(ana),
      submission: {
        fullName: 'Ana Maria Silva',
        dateOfBirth: '1990-01-02',
        nationality: 'PT',
        document: { type: 'passport', number: 'P1234567', issuingCountry: 'PT', expiresOn: '2035-01-01' },
        documentReferences: ['kyc/ana/passport-front.jpg'],
      },
    });
    expect(submission.status).toBe('pending');
    expect((await h.failure(accountRpc.submitKyc, { ...caller(ana), submission: {} as never })).code).toBe(
      ErrorCode.ValidationFailed,
    );
    const decided = await h.call(accountRpc.decideKyc, {
      actorId: randomUUID(),
      submissionId: submission.id,
      decision: 'approve',
      reason: 'documents match',
    });
    expect(decided.status).toBe('verified');
    const kyc = await h.call(accountRpc.getKyc, caller(ana));
    expect(kyc).toMatchObject({ status: 'verified', tier: 'tier1', limits: { payoutsAllowed: true } });
    const again = await h.failure(accountRpc.decideKyc, {
      actorId: randomUUID(),
      submissionId: submission.id,
      decision: 'reject',
      reason: 'late',
    });
    expect(again.code).toBe(ErrorCode.Conflict);
    const sealed = await h.dataSource.query<Array<{ data_enc: Buffer }>>(
      'SELECT "data_enc" FROM "kyc_submissions" WHERE "id" = $1',
      [submission.id],
    );
    expect(sealed[0].data_enc.toString('utf8')).not.toContain('P1234567');
  });

  it('lets exactly one of many racing payments take the last of a daily allowance', async () => {
    const ana = await h.customer();
    const wallet = await openWallet(ana);
    // Tier 0: 10,000 a day. 4,000 are used; ten payments of 6,000 race for the remaining 6,000.
    await h.call(accountRpc.reserveLimit, {
      paymentId: randomUUID(),
      customerId: ana.userId,
      accountId: wallet.id,
      kind: 'p2p',
      amount: '4000',
      currency: 'EUR',
    });
    const racers = Array.from({ length: 10 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      racers.map((paymentId) =>
        h.call(accountRpc.reserveLimit, {
          paymentId,
          customerId: ana.userId,
          accountId: wallet.id,
          kind: 'p2p',
          amount: '6000',
          currency: 'EUR',
        }),
      ),
    );
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const outcome of outcomes)
      if (outcome.status === 'rejected')
        expect((outcome.reason as { code: string }).code).toBe(ErrorCode.LimitExceeded);
    const winner = racers[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
    // Asking again with the winner's id answers the same reservation; releasing it frees the allowance.
    const replay = await h.call(accountRpc.reserveLimit, {
      paymentId: winner,
      customerId: ana.userId,
      accountId: wallet.id,
      kind: 'p2p',
      amount: '6000',
      currency: 'EUR',
    });
    expect(replay).toMatchObject({ paymentId: winner, status: 'reserved', dailyUsed: '10000' });
    await h.call(accountRpc.releaseLimit, { paymentId: winner });
    await h.call(accountRpc.releaseLimit, { paymentId: winner });
    const next = await h.call(accountRpc.reserveLimit, {
      paymentId: randomUUID(),
      customerId: ana.userId,
      accountId: wallet.id,
      kind: 'p2p',
      amount: '6000',
      currency: 'EUR',
    });
    expect(next.dailyUsed).toBe('10000');
    // Incoming: a tier-0 wallet holds at most 15,000.
    await h.fund(wallet.ledgerAccountId, 10_000n);
    const fits = await h.call(accountRpc.checkIncoming, {
      accountId: wallet.id,
      amount: '5000',
      currency: 'EUR',
    });
    expect(fits).toMatchObject({ customerId: ana.userId, balanceAfter: '15000', maxBalance: '15000' });
    const over = await h.failure(accountRpc.checkIncoming, {
      accountId: wallet.id,
      amount: '5001',
      currency: 'EUR',
    });
    expect(over.code).toBe(ErrorCode.LimitExceeded);
    const otherCurrency = await h.failure(accountRpc.checkIncoming, {
      accountId: wallet.id,
      amount: '1',
      currency: 'USD',
    });
    expect(otherCurrency.code).toBe(ErrorCode.CurrencyMismatch);
    // An unverified customer cannot pay out.
    const payout = await h.failure(accountRpc.reserveLimit, {
      paymentId: randomUUID(),
      customerId: ana.userId,
      accountId: wallet.id,
      kind: 'payout',
      amount: '1',
      currency: 'EUR',
    });
    expect(payout.code).toBe(ErrorCode.LimitExceeded);
  });
});

describe('KYC retention', () => {
  it('purges KYC material the configured time after the last wallet closed, not before', async () => {
    const ana = await h.customer('Rita Retention');
    const wallet = await openWallet(ana);
    const submission = await h.call(accountRpc.submitKyc, {
      ...caller(ana),
      submission: {
        fullName: 'Rita Retention',
        dateOfBirth: '1980-05-06',
        nationality: 'FR',
        document: { type: 'passport', number: 'R-1', issuingCountry: 'FR', expiresOn: '2036-01-01' },
        documentReferences: ['kyc/rita/passport.pdf'],
      },
    });
    const retention = h.account.app.get(KycRetentionService);
    // An open wallet keeps it, whatever the time.
    expect(await retention.round(new Date(Date.now() + 4000 * 86_400_000))).not.toContain(submission.id);
    await h.call(accountRpc.closeWallet, { ...caller(ana), accountId: wallet.id });
    expect(await retention.round()).not.toContain(submission.id);
    // 1825 days (the default) after the close: purged, once, and audited by id.
    const later = new Date(Date.now() + 1826 * 86_400_000);
    expect(await retention.round(later)).toContain(submission.id);
    expect(await retention.round(later)).not.toContain(submission.id);
    const [row] = await h.dataSource.query<Array<{ data_enc: Buffer | null; purged_at: Date | null }>>(
      'SELECT "data_enc", "purged_at" FROM "kyc_submissions" WHERE "id" = $1',
      [submission.id],
    );
    expect(row.data_enc).toBeNull();
    expect(row.purged_at).not.toBeNull();
    const audit = await h.dataSource.query<Array<{ details: { submissionIds: string[] } }>>(
      `SELECT "details" FROM "audit_log" WHERE "action" = 'account.kyc.purged'`,
    );
    expect(audit.some((entry) => entry.details.submissionIds.includes(submission.id))).toBe(true);
    // The submission itself (status, dates) stays for the audit of the decision.
    expect((await h.call(accountRpc.getKyc, caller(ana))).submissions.map((s) => s.id)).toEqual([
      submission.id,
    ]);
  });
});

describe('back office', () => {
  it('finds customers by email, phone and name through the blind indexes, masked, every read audited', async () => {
    const ana = await h.customer('Ofélia Quaresma Tavares');
    await h.call(accountRpc.updateProfile, { ...caller(ana), changes: { phone: '+351912345678' } });
    const actorId = randomUUID();
    const byEmail = await h.call(accountRpc.searchCustomers, {
      actorId,
      q: ana.email.toUpperCase(),
      limit: 10,
    });
    expect(byEmail.data.map((c) => c.id)).toEqual([ana.userId]);
    expect(byEmail.data[0]).toMatchObject({ fullName: 'O*** Q*** T***', phone: '+35********78' });
    expect(byEmail.data[0].email).toMatch(/^c\*\*\*@example\.test$/);
    const byPhone = await h.call(accountRpc.searchCustomers, { actorId, q: '+351 912 345 678', limit: 10 });
    expect(byPhone.data.map((c) => c.id)).toEqual([ana.userId]);
    const byName = await h.call(accountRpc.searchCustomers, { actorId, q: 'ofelia tavares', limit: 10 });
    expect(byName.data.map((c) => c.id)).toContain(ana.userId);
    const nobody = await h.call(accountRpc.searchCustomers, { actorId, q: 'ofelia nobody', limit: 10 });
    expect(nobody.data.map((c) => c.id)).not.toContain(ana.userId);

    const masked = await h.call(accountRpc.getCustomer, { actorId, customerId: ana.userId, view: 'masked' });
    expect(masked).toMatchObject({ view: 'masked', fullName: 'O*** Q*** T***' });
    const full = await h.call(accountRpc.getCustomer, { actorId, customerId: ana.userId, view: 'full' });
    expect(full).toMatchObject({ view: 'full', fullName: 'Ofélia Quaresma Tavares', email: ana.email });

    const audit = await h.dataSource.query<Array<{ action: string; details: Record<string, unknown> }>>(
      'SELECT "action", "details" FROM "audit_log" WHERE "actor_id" = $1 ORDER BY "sequence"',
      [actorId],
    );
    expect(audit.map((row) => row.action)).toEqual([
      'account.customer.searched',
      'account.customer.searched',
      'account.customer.searched',
      'account.customer.searched',
      'account.customer.viewed',
      'account.customer.viewed',
    ]);
    expect(audit[0].details).toEqual({ queryKind: 'email', customerIds: [ana.userId] });
    expect(JSON.stringify(audit)).not.toContain(ana.email);
  });
});

describe('privacy', () => {
  it('refuses erasure while money is held, then crypto-shreds: nothing personal can be read or exported', async () => {
    const ana = await h.customer('Erin Erasable');
    await h.call(accountRpc.updateProfile, { ...caller(ana), changes: { phone: '+447700900123' } });
    const wallet = await openWallet(ana);
    await h.fund(wallet.ledgerAccountId, 700n);
    await h.call(accountRpc.submitKyc, {
      ...caller(ana),
      submission: {
        fullName: 'Erin Erasable',
        dateOfBirth: '1970-01-01',
        nationality: 'GB',
        document: { type: 'national_id', number: 'ID-ERIN-1', issuingCountry: 'GB', expiresOn: '2040-01-01' },
        documentReferences: ['kyc/erin/id.png'],
      },
    });

    const before: DataExport = await h.call(accountRpc.exportMyData, caller(ana));
    expect(JSON.stringify(before.sections.account)).toContain('Erin Erasable');
    expect(before.sections.transaction).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(before.sections.transaction)).toContain(wallet.ledgerAccountId);

    const refused = await h.failure(accountRpc.eraseMe, caller(ana));
    expect(refused.code).toBe(ErrorCode.BalanceNotZero);
    await h.fund(wallet.ledgerAccountId, 700n, 'out');

    const receipt = await h.call(accountRpc.eraseMe, caller(ana));
    expect(receipt.customerId).toBe(ana.userId);
    const [key] = await h.dataSource.query<Array<{ wrapped_key: Buffer | null }>>(
      'SELECT "wrapped_key" FROM "customer_keys" WHERE "customer_id" = $1',
      [ana.userId],
    );
    expect(key.wrapped_key).toBeNull();
    const [row] = await h.dataSource.query<Array<{ profile_enc: Buffer | null; email_bidx: Buffer | null }>>(
      'SELECT "profile_enc", "email_bidx" FROM "customers" WHERE "id" = $1',
      [ana.userId],
    );
    // The ciphertext is still there (as in every backup), and no key exists that opens it.
    expect(row.profile_enc).toBeInstanceOf(Buffer);
    expect(row.email_bidx).toBeNull();
    expect(await h.account.app.get(CustomerVault).dataKey(h.dataSource.manager, ana.userId)).toBeNull();

    const after: DataExport = await h.call(accountRpc.exportMyData, caller(ana));
    const text = JSON.stringify(after).toLowerCase();
    for (const personal of ['erin', 'erasable', ana.email, '447700900123', 'id-erin-1', 'kyc/erin'])
      expect(text).not.toContain(personal.toLowerCase());
    expect(after.sections.account).toMatchObject({ status: 'ok', data: { customer: { status: 'erased' } } });
    expect((await h.call(accountRpc.listWallets, caller(ana))).data.map((w) => w.status)).toEqual(['closed']);
    const erased = await h.dataSource.query<unknown[]>(
      `SELECT 1 FROM "outbox_messages" WHERE "type" = 'account.customer.erased.v1' AND "payload"->'payload'->>'customerId' = $1`,
      [ana.userId],
    );
    expect(erased).toHaveLength(1);
    // Erasing again is harmless; a search no longer finds them.
    expect((await h.call(accountRpc.eraseMe, caller(ana))).erasedAt).toBe(receipt.erasedAt);
    const search = await h.call(accountRpc.searchCustomers, {
      actorId: randomUUID(),
      q: ana.email,
      limit: 5,
    });
    expect(search.data).toEqual([]);
    // The retention job purges the (already unreadable) KYC material of an erased customer, and says so.
    const purged = await h.account.app.get(KycRetentionService).round();
    expect(purged.length).toBeGreaterThanOrEqual(1);
  });
});
