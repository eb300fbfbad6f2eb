import { randomUUID } from 'node:crypto';
import { LedgerClient } from '@kasho/ledger-client';
import { runWithContext } from '@kasho/logging';
import { Messaging, RpcClient } from '@kasho/messaging';
import { buildServiceDataSource } from '@kasho/platform';
import { ledgerRpc, type TransferResult } from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { transactionSchema } from '../src/database';
import { LedgerExpiryService } from '../src/ledger/expiry/ledger-expiry.service';
import { operatorAccountId } from '../src/ledger/ledger-ids';
import { runLedgerVerifyCli } from '../src/ledger/verify/ledger-verify-cli';
import { verifyLedger } from '../src/ledger/verify/verify-ledger';
import { assertLedgerInvariants, type LedgerHarness, single, startLedgerHarness } from './ledger-harness';

// The write path over the real broker and database: group commit under concurrency, the double spend, two-phase
// transfers and their expiry, events, the admin transfer and its audit entry, and the hash chain's verification.

let ledger: LedgerHarness;

beforeAll(async () => {
  // Several batches in flight at once, so every test here also runs the lanes side by side.
  process.env.LEDGER_WRITE_IN_FLIGHT = '3';
  ledger = await startLedgerHarness('writer');
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('accounts', () => {
  it('creates idempotently: the same fields answer exists, different ones name the field', async () => {
    const id = randomUUID();
    const account = {
      id,
      type: 'customer_wallet' as const,
      currency: 'EUR',
      flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false },
      metadata: { owner: 'u-1' },
    };
    const first = await ledger.call(ledgerRpc.createAccounts, { accounts: [account, account] });
    expect(first.results.map((r) => r.result)).toEqual(['created', 'exists']);
    expect(first.results[0].account).toMatchObject({
      id,
      balance: '0',
      closed: false,
      metadata: { owner: 'u-1' },
    });
    const again = await ledger.call(ledgerRpc.createAccounts, {
      accounts: [account, { ...account, currency: 'USD' }, { ...account, id: 'not-a-uuid' }],
    });
    expect(again.results).toMatchObject([
      { id, result: 'exists' },
      { id, result: 'exists_with_different_fields', field: 'currency' },
      { id: 'not-a-uuid', result: 'invalid_account' },
    ]);
    const { accounts } = await ledger.call(ledgerRpc.lookupAccounts, { ids: [id, randomUUID()] });
    expect(accounts.map((a) => a.id)).toEqual([id]);
  });

  it('has the operator accounts of every supported currency, created by migration', async () => {
    const ids = ['EUR', 'USD', 'GBP'].map((currency) => operatorAccountId('settlement', currency));
    const { accounts } = await ledger.call(ledgerRpc.lookupAccounts, { ids });
    expect(accounts.map((a) => [a.type, a.currency])).toEqual([
      ['settlement', 'EUR'],
      ['settlement', 'USD'],
      ['settlement', 'GBP'],
    ]);
  });
});

describe('transfers', () => {
  it('creates a transfer once: history, an outbox event with balances after, a chain link', async () => {
    const from = await ledger.account();
    const to = await ledger.account();
    await ledger.fund(from, 1000n);
    const id = randomUUID();
    const transfer = single(id, from, to, 250n, 'EUR', { metadata: { order: 'o-1' } });
    // The caller's unit of work follows the transfer into its event, though the batch is written elsewhere.
    const correlationId = `corr-${id}`;
    const [first] = await runWithContext({ correlationId }, () => ledger.transfer([transfer]));
    expect(first).toMatchObject({ id, result: 'created', transfer: { amount: '250', kind: 'single' } });
    const [second] = await ledger.transfer([transfer]);
    expect(second).toMatchObject({ id, result: 'exists', transfer: first.transfer });
    const [different] = await ledger.transfer([{ ...transfer, amount: '251' }]);
    expect(different).toMatchObject({ result: 'exists_with_different_fields', field: 'amount' });

    expect(await ledger.balances(from)).toMatchObject({ debitsPosted: 250n, creditsPosted: 1000n });
    const { transfers } = await ledger.call(ledgerRpc.lookupTransfers, { ids: [id, randomUUID()] });
    expect(transfers).toEqual([first.transfer]);

    // Published once right after the commit; read back from the batch's outbox row, the same message.
    const events = await ledger.publishedEvents([id]);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('transaction.transfer.created.v1');
    expect(events[0].correlationId).toBe(correlationId);
    expect(events[0].payload).toMatchObject({
      transfer: { id, amount: '250', metadata: { order: 'o-1' } },
      debitAccount: { id: from, debitsPosted: '250', creditsPosted: '1000' },
      creditAccount: { id: to, creditsPosted: '250', debitsPosted: '0' },
    });
    expect(await ledger.storedEvents([id])).toEqual(events);
    const [link] = await ledger.dataSource.query<Array<{ transfer_count: number }>>(
      'SELECT b."transfer_count" FROM "ledger_batches" b JOIN "transfers" t ON t."batch_sequence" = b."sequence" WHERE t."id" = $1',
      [id],
    );
    expect(link.transfer_count).toBeGreaterThanOrEqual(1);
    await assertLedgerInvariants(ledger.dataSource);
  });

  it("publishes a batch's events again from its one outbox row when the publication after the commit was lost", async () => {
    const from = await ledger.account();
    const to = await ledger.account();
    await ledger.fund(from, 100n);
    const [pendingId, singleId] = [randomUUID(), randomUUID()];
    const answers = await ledger.transfer([
      { ...single(pendingId, from, to, 30n), kind: 'pending' },
      single(singleId, from, to, 20n),
    ]);
    expect(answers.map((answer) => answer.result)).toEqual(['created', 'created']);
    const first = await ledger.publishedEvents([pendingId, singleId]);
    expect(first.map((event) => event.type)).toEqual([
      'transaction.transfer.created.v1',
      'transaction.transfer.created.v1',
    ]);
    // The request's two transfers are one batch, and the batch one outbox row: a reference to its rows.
    const references = await ledger.dataSource.query<Array<{ id: string }>>(
      `SELECT "id" FROM "outbox_messages" WHERE "payload"->>'transfer' = ANY($1)`,
      [[pendingId, singleId]],
    );
    expect(references).toHaveLength(1);
    // As if the process died between the broker's confirm and marking the row: the relay claims it (once it is
    // older than the fallback delay) and reads the events back from the transfers and history.
    await ledger.dataSource.query(
      `UPDATE "outbox_messages" SET "published_at" = NULL, "created_at" = now() - interval '1 hour' WHERE "id" = $1`,
      [references[0].id],
    );
    const relay = ledger.service.app.get(Messaging).outboxRelay;
    expect(await relay?.relayOnce()).toBe(1);
    const deadline = Date.now() + 5_000;
    let all = await ledger.publishedEvents([pendingId, singleId]);
    while (all.length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      all = await ledger.publishedEvents([pendingId, singleId]);
    }
    // The same two messages again, ids included: a consumer's inbox drops them.
    expect(all.slice(2)).toEqual(first);
    expect(new Set(all.map((event) => event.id)).size).toBe(2);
  });

  it('refuses more than 8000 transfers in one request (422) and answers malformed ones invalid_transfer', async () => {
    const tooMany = Array.from({ length: 8001 }, () => ({ id: randomUUID() }));
    const error = await ledger.failure(ledgerRpc.createTransfers, { transfers: tooMany });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    const results = await ledger.transfer([
      { id: 'NOT-A-UUID', kind: 'single', code: 1, reference: '', description: '' },
    ]);
    expect(results).toMatchObject([{ result: 'invalid_transfer' }]);
  });

  it('double spend: an account holding 100 debited by 20 concurrent transfers of 60, exactly one succeeds', async () => {
    const wallet = await ledger.account();
    const shop = await ledger.account();
    await ledger.fund(wallet, 100n);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => ledger.transfer([single(randomUUID(), wallet, shop, 60n)])),
    );
    const results = answers.map(([r]) => r.result);
    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(results.filter((r) => r === 'exceeds_credits')).toHaveLength(19);
    expect(await ledger.balances(wallet)).toMatchObject({ debitsPosted: 60n, creditsPosted: 100n });
    await assertLedgerInvariants(ledger.dataSource);
  });

  it('the same id in requests that arrive while batches are in flight is created once, the others answer exists', async () => {
    const from = await ledger.account();
    const to = await ledger.account();
    await ledger.fund(from, 1000n);
    const transfer = single(randomUUID(), from, to, 7n);
    // Waves, so later copies arrive while a batch holding the id is in flight on another lane.
    const answers: TransferResult[] = [];
    const waves = Array.from({ length: 5 }, async (_, wave) => {
      await new Promise((resolve) => setTimeout(resolve, wave * 2));
      const results = await Promise.all(Array.from({ length: 10 }, () => ledger.transfer([transfer])));
      answers.push(...results.map(([result]) => result));
    });
    await Promise.all(waves);
    expect(answers.filter((a) => a.result === 'created')).toHaveLength(1);
    expect(answers.filter((a) => a.result === 'exists')).toHaveLength(49);
    expect(await ledger.balances(from)).toMatchObject({ debitsPosted: 7n, creditsPosted: 1000n });
    await assertLedgerInvariants(ledger.dataSource);
  });

  it("LedgerClient's shared message: every request keeps its own chain, answer and correlation id", async () => {
    const from = await ledger.account();
    const to = await ledger.account();
    await ledger.fund(from, 100n);
    const rpc = ledger.service.app.get(RpcClient);
    const send = jest.spyOn(rpc, 'call');
    const client = new LedgerClient(rpc, { timeoutMs: 30_000 });
    const [t1, t2, t3, t4, t5] = Array.from({ length: 5 }, () => randomUUID());
    const answers = Promise.allSettled([
      // A chain the second link fails: neither is created.
      client.createTransfers([{ ...single(t1, from, to, 50n), linked: true }, single(t2, from, to, 80n)]),
      client.createTransfers([single(t3, from, to, 30n)], { correlationId: 'corr-b' }),
      // Malformed: its own error, nobody else's.
      client.createTransfers({ not: 'an array' } as never),
      // An open chain at the end of a request is refused, not joined to the next request's transfer.
      client.createTransfers([{ ...single(t4, from, to, 1n), linked: true }]),
      client.createTransfers([single(t5, from, to, 10n)], { correlationId: 'corr-e' }),
    ]);
    const [chain, b, malformed, open, e] = await answers;
    expect(send).toHaveBeenCalledTimes(1);
    send.mockRestore();
    expect(chain).toMatchObject({
      status: 'fulfilled',
      value: [
        { id: t1, result: 'linked_event_failed' },
        { id: t2, result: 'exceeds_credits' },
      ],
    });
    expect(b).toMatchObject({ status: 'fulfilled', value: [{ id: t3, result: 'created' }] });
    expect(malformed).toMatchObject({ status: 'rejected', reason: { code: ErrorCode.ValidationFailed } });
    expect(open).toMatchObject({ status: 'fulfilled', value: [{ id: t4, result: 'linked_chain_open' }] });
    expect(e).toMatchObject({ status: 'fulfilled', value: [{ id: t5, result: 'created' }] });
    expect(await ledger.balances(from)).toMatchObject({ debitsPosted: 40n, creditsPosted: 100n });

    const events = await ledger.publishedEvents([t1, t2, t3, t4, t5], 1_000);
    expect(new Map(events.map((event) => [event.payload.transfer.id, event.correlationId]))).toEqual(
      new Map([
        [t3, 'corr-b'],
        [t5, 'corr-e'],
      ]),
    );
    await assertLedgerInvariants(ledger.dataSource);
  });

  it('concurrency: hundreds of concurrent requests over a few accounts, a hot one, duplicate ids; equals a serial replay', async () => {
    const currency = 'USD';
    const hot = await ledger.account('fees', currency);
    const wallets = [
      await ledger.account('customer_wallet', currency),
      await ledger.account('customer_wallet', currency),
      await ledger.account('customer_wallet', currency),
    ];
    for (const wallet of wallets) await ledger.fund(wallet, 5_000n, currency);
    const before = new Map<string, { debits: bigint; credits: bigint }>();
    for (const id of [hot, ...wallets]) {
      const b = await ledger.balances(id);
      before.set(id, { debits: b.debitsPosted, credits: b.creditsPosted });
    }
    const ids = Array.from({ length: 400 }, () => randomUUID());
    const requests = Array.from({ length: 600 }, (_, index) => {
      const id = ids[index % ids.length]; // 200 duplicates of earlier ids, sent concurrently
      const seed = parseInt(id.slice(0, 8), 16);
      const from = wallets[seed % 3];
      // Two thirds credit the hot account; the rest move between wallets.
      const to = seed % 3 === 0 || seed % 5 === 0 ? wallets[(seed + 1) % 3] : hot;
      return single(id, from, to, BigInt(1 + (seed % 97)), currency);
    });
    const started = Date.now();
    const answers = await Promise.all(requests.map((t) => ledger.transfer([t])));
    const elapsed = Date.now() - started;
    // eslint-disable-next-line no-console -- the informal throughput the report quotes
    console.log(
      `concurrency: ${requests.length} requests in ${elapsed} ms (${Math.round((requests.length * 1000) / elapsed)}/s)`,
    );

    const created = new Map<string, TransferResult>();
    for (const [answer] of answers) {
      expect(['created', 'exists', 'exceeds_credits']).toContain(answer.result);
      if (answer.result === 'created') {
        expect(created.has(answer.id)).toBe(false);
        created.set(answer.id, answer);
      }
    }
    for (const [answer] of answers) {
      if (answer.result === 'exists') expect(created.has(answer.id)).toBe(true);
    }
    expect(created.size).toBeGreaterThan(100);
    // Serial replay of the accepted transfers from the balances before.
    const replay = new Map([...before].map(([id, b]) => [id, { ...b }]));
    for (const { transfer } of created.values()) {
      replay.get(transfer!.debitAccountId)!.debits += BigInt(transfer!.amount);
      replay.get(transfer!.creditAccountId)!.credits += BigInt(transfer!.amount);
    }
    for (const [id, expected] of replay) {
      const actual = await ledger.balances(id);
      expect({ debits: actual.debitsPosted, credits: actual.creditsPosted }).toEqual(expected);
    }
    const [{ count }] = await ledger.dataSource.query<Array<{ count: string }>>(
      'SELECT count(*) FROM "transfers" WHERE "id" = ANY($1::uuid[])',
      [ids],
    );
    expect(Number(count)).toBe(created.size);
    await assertLedgerInvariants(ledger.dataSource);
  }, 60_000);
});

describe('two-phase transfers and expiry', () => {
  it('posts part of a pending transfer and refuses posting or voiding it twice', async () => {
    const wallet = await ledger.account();
    const merchant = await ledger.account();
    await ledger.fund(wallet, 500n);
    const pendingId = randomUUID();
    const [hold] = await ledger.transfer([{ ...single(pendingId, wallet, merchant, 300n), kind: 'pending' }]);
    expect(hold.result).toBe('created');
    expect(await ledger.balances(wallet)).toMatchObject({ debitsPending: 300n, debitsPosted: 0n });
    const post = {
      id: randomUUID(),
      kind: 'post_pending' as const,
      pendingId,
      amount: '200',
      code: 1,
      reference: 'p',
      description: 'post',
    };
    expect((await ledger.transfer([post]))[0].result).toBe('created');
    expect(await ledger.balances(wallet)).toMatchObject({ debitsPending: 0n, debitsPosted: 200n });
    expect((await ledger.transfer([{ ...post, id: randomUUID() }]))[0].result).toBe(
      'pending_transfer_already_posted',
    );
    const voiding = { ...post, id: randomUUID(), kind: 'void_pending' as const, amount: undefined };
    expect((await ledger.transfer([voiding]))[0].result).toBe('pending_transfer_already_posted');
    const [row] = await ledger.dataSource.query<Array<{ status: string; resolved_by: string }>>(
      'SELECT "status", "resolved_by" FROM "pending_transfers" WHERE "id" = $1',
      [pendingId],
    );
    expect(row).toEqual({ status: 'posted', resolved_by: post.id });
    await assertLedgerInvariants(ledger.dataSource);
  });

  it('voids an expired pending transfer exactly once, however many rounds run', async () => {
    const wallet = await ledger.account();
    const merchant = await ledger.account();
    await ledger.fund(wallet, 100n);
    const pendingId = randomUUID();
    const [hold] = await ledger.transfer([
      { ...single(pendingId, wallet, merchant, 80n), kind: 'pending', timeoutSeconds: 1 },
    ]);
    expect(hold.result).toBe('created');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expiry = ledger.service.app.get(LedgerExpiryService);
    const rounds = await Promise.all([expiry.runOnce(), expiry.runOnce()]);
    expect(rounds.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await expiry.runOnce()).toBe(0);
    expect(await ledger.balances(wallet)).toMatchObject({ debitsPending: 0n, debitsPosted: 0n });
    const rows = await ledger.dataSource.query<Array<{ id: string; kind: string }>>(
      'SELECT "id", "kind" FROM "transfers" WHERE "pending_id" = $1',
      [pendingId],
    );
    expect(rows.map((row) => row.kind)).toEqual(['expire_pending']);
    const events = (await ledger.publishedEvents([rows[0].id])).filter(
      (event) =>
        event.type === 'transaction.transfer.expired.v1' && event.payload.transfer.pendingId === pendingId,
    );
    expect(events).toHaveLength(1);
    const post = {
      id: randomUUID(),
      kind: 'post_pending' as const,
      pendingId,
      code: 1,
      reference: 'p',
      description: 'late',
    };
    expect((await ledger.transfer([post]))[0].result).toBe('pending_transfer_expired');
    await assertLedgerInvariants(ledger.dataSource);
  });
});

describe('admin transfers', () => {
  it('writes the transfer and its audit entry together; a retry with the same key answers the same transfer', async () => {
    const from = operatorAccountId('settlement', 'GBP');
    const to = await ledger.account('customer_wallet', 'GBP');
    const request = {
      actorId: randomUUID(),
      idempotencyKey: randomUUID(),
      debitAccountId: from,
      creditAccountId: to,
      amount: '1500',
      currency: 'GBP',
      reason: 'goodwill credit for ticket 42',
      ip: '192.0.2.7',
    };
    const first = await ledger.call(ledgerRpc.adminTransfer, request);
    expect(first).toMatchObject({ kind: 'single', amount: '1500', code: 9, description: request.reason });
    const again = await ledger.call(ledgerRpc.adminTransfer, request);
    expect(again).toEqual(first);
    const audit = await ledger.dataSource.query<
      Array<{ actor_type: string; action: string; actor_id: string }>
    >('SELECT "actor_type", "action", "actor_id" FROM "audit_log" WHERE "subject_id" = $1', [first.id]);
    expect(audit).toEqual([
      { actor_type: 'staff', action: 'ledger.admin_transfer.created', actor_id: request.actorId },
    ]);

    const broke = await ledger.failure(ledgerRpc.adminTransfer, {
      ...request,
      idempotencyKey: randomUUID(),
      debitAccountId: to,
      creditAccountId: from,
      amount: '999999',
    });
    expect(broke.code).toBe(ErrorCode.InsufficientFunds);
    const unknown = await ledger.failure(ledgerRpc.adminTransfer, {
      ...request,
      idempotencyKey: randomUUID(),
      creditAccountId: randomUUID(),
    });
    expect(unknown.code).toBe(ErrorCode.NotFound);
    const noReason = await ledger.failure(ledgerRpc.adminTransfer, { ...request, reason: '  ' });
    expect(noReason.code).toBe(ErrorCode.ValidationFailed);
  });
});

describe('verify', () => {
  it('passes on the intact ledger, then names the link whose transfer was altered behind the trigger', async () => {
    const intact = await verifyLedger(ledger.dataSource);
    expect(intact.chain.ok).toBe(true);
    expect(intact.balanced).toBe(true);

    const from = await ledger.account();
    const to = await ledger.account();
    await ledger.fund(from, 100n);
    const id = randomUUID();
    expect((await ledger.transfer([single(id, from, to, 10n)]))[0].result).toBe('created');
    const [{ batch_sequence: sequence }] = await ledger.dataSource.query<Array<{ batch_sequence: string }>>(
      'SELECT "batch_sequence" FROM "transfers" WHERE "id" = $1',
      [id],
    );
    await expect(
      ledger.dataSource.query('UPDATE "transfers" SET "amount" = 11 WHERE "id" = $1', [id]),
    ).rejects.toThrow(/append-only/);
    await ledger.dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE "transfers" DISABLE TRIGGER "transfers_append_only"');
      await manager.query('UPDATE "transfers" SET "amount" = 11 WHERE "id" = $1', [id]);
      await manager.query('ALTER TABLE "transfers" ENABLE TRIGGER "transfers_append_only"');
    });
    const broken = await verifyLedger(ledger.dataSource);
    expect(broken.chain).toMatchObject({ ok: false, brokenAt: sequence, reason: 'digest-mismatch' });

    const lines: string[] = [];
    const output = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const status = await runLedgerVerifyCli(
      () =>
        buildServiceDataSource('transaction', transactionSchema, {
          ...process.env,
          DATABASE_URL: ledger.database.url,
        }),
      [],
      output,
    );
    expect(status).toBe(1);
    expect(lines.join('\n')).toContain(`ledger chain BROKEN at link ${sequence} (digest-mismatch)`);
  });

  it('refuses to delete a ledger account; one removed behind the trigger is reported by verify', async () => {
    const from = await ledger.account();
    const to = await ledger.account();
    await ledger.fund(from, 100n);
    expect((await ledger.transfer([single(randomUUID(), from, to, 10n)]))[0].result).toBe('created');
    expect((await verifyLedger(ledger.dataSource)).orphanTransfers).toBe(0);
    await expect(
      ledger.dataSource.query('DELETE FROM "ledger_accounts" WHERE "id" = $1', [to]),
    ).rejects.toThrow(/never deleted/);
    await ledger.dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE "ledger_accounts" DISABLE TRIGGER "ledger_accounts_never_deleted"');
      await manager.query('DELETE FROM "ledger_accounts" WHERE "id" = $1', [to]);
      await manager.query('ALTER TABLE "ledger_accounts" ENABLE TRIGGER "ledger_accounts_never_deleted"');
    });
    expect((await verifyLedger(ledger.dataSource)).orphanTransfers).toBe(1);
  });

  it('reports a transfer inserted behind the writer, naming a chain link that does not exist', async () => {
    const before = (await verifyLedger(ledger.dataSource)).orphanTransfers;
    const from = await ledger.account();
    const to = await ledger.account();
    // Transfers have no foreign key to their link (the writer appends both in one statement): only verify sees this.
    await ledger.dataSource.query(
      'INSERT INTO "transfers" ("id", "kind", "debit_account_id", "credit_account_id", "amount", "currency", "code", ' +
        '"reference", "description", "batch_sequence", "batch_index", "created_at") ' +
        "VALUES ($1, 'single', $2, $3, 5, 'EUR', 1, 'forged', 'forged', 999999999, 1, now())",
      [randomUUID(), from, to],
    );
    expect((await verifyLedger(ledger.dataSource)).orphanTransfers).toBe(before + 1);
  });
});
