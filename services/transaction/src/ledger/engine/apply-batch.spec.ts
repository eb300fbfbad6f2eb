import type { CreateTransfer } from '@kasho/contracts';
import { applyBatch, EXPIRE_PENDING_CODE } from './apply-batch';
import {
  MAX_AMOUNT,
  type AccountState,
  type BatchInput,
  type BatchOutcome,
  type BatchRequest,
  type ExpiryRequest,
  type PendingState,
  type StoredTransfer,
} from './engine.types';

const NOW = new Date('2026-01-01T12:00:00.000Z');

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

// Accounts 1..9 (A, B, C, ...), transfers from 100, pendings from 500.
const A = uuid(1);
const B = uuid(2);
const C = uuid(3);
const GBP = uuid(9);

function account(id: string, overrides: Partial<AccountState> = {}): AccountState {
  return {
    id,
    currency: 'EUR',
    flags: { debitsMustNotExceedCredits: false, creditsMustNotExceedDebits: false },
    closed: false,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
    ...overrides,
  };
}

/** A wallet (no overdraft) holding `balance`. */
function wallet(id: string, balance: bigint): AccountState {
  return account(id, {
    flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false },
    creditsPosted: balance,
  });
}

function single(id: number, overrides: Partial<CreateTransfer> = {}): CreateTransfer {
  return {
    id: uuid(id),
    kind: 'single',
    debitAccountId: A,
    creditAccountId: B,
    amount: '100',
    currency: 'EUR',
    code: 1,
    reference: `ref-${id}`,
    description: 'p2p',
    ...overrides,
  };
}

function pending(id: number, overrides: Partial<CreateTransfer> = {}): CreateTransfer {
  return single(id, { kind: 'pending', ...overrides });
}

function post(id: number, pendingId: number, overrides: Partial<CreateTransfer> = {}): CreateTransfer {
  return {
    id: uuid(id),
    kind: 'post_pending',
    pendingId: uuid(pendingId),
    code: 1,
    reference: `ref-${id}`,
    description: 'capture',
    ...overrides,
  };
}

function voidOf(id: number, pendingId: number, overrides: Partial<CreateTransfer> = {}): CreateTransfer {
  return post(id, pendingId, { kind: 'void_pending', ...overrides });
}

function heldPending(id: number, amount: bigint, overrides: Partial<PendingState> = {}): PendingState {
  return {
    id: uuid(id),
    debitAccountId: A,
    creditAccountId: B,
    amount,
    currency: 'EUR',
    status: 'pending',
    expiresAt: null,
    ...overrides,
  };
}

interface Setup {
  accounts?: AccountState[];
  pendings?: PendingState[];
  existing?: StoredTransfer[];
  now?: Date;
}

function run(requests: Array<CreateTransfer[] | ExpiryRequest>, setup: Setup = {}): BatchOutcome {
  const input: BatchInput = {
    requests: requests.map((r): BatchRequest | ExpiryRequest => (Array.isArray(r) ? { transfers: r } : r)),
    accounts: new Map((setup.accounts ?? [account(A), account(B), account(C)]).map((a) => [a.id, a])),
    pendings: new Map((setup.pendings ?? []).map((p) => [p.id, p])),
    existing: new Map((setup.existing ?? []).map((t) => [t.id, t])),
    now: setup.now ?? NOW,
  };
  return applyBatch(input);
}

function codes(outcome: BatchOutcome): string[][] {
  return outcome.results.map((r) => r.map((o) => o.result));
}

function finalOf(outcome: BatchOutcome, id: string): AccountState | undefined {
  return outcome.accounts.find((a) => a.id === id);
}

function balances(a: AccountState | undefined): [bigint, bigint, bigint, bigint] | undefined {
  return a && [a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted];
}

describe('applyBatch: single transfers', () => {
  it('moves posted funds, records the transfer and one history row per account, and leaves the input alone', () => {
    const a = account(A);
    const b = account(B);
    const outcome = run([[single(100, { metadata: { order: '7' } })]], { accounts: [a, b] });

    expect(codes(outcome)).toEqual([['created']]);
    expect(outcome.created).toEqual([
      {
        id: uuid(100),
        kind: 'single',
        debitAccountId: A,
        creditAccountId: B,
        amount: 100n,
        currency: 'EUR',
        code: 1,
        pendingId: null,
        timeoutAt: null,
        reference: 'ref-100',
        description: 'p2p',
        metadata: { order: '7' },
        createdAt: NOW,
      },
    ]);
    expect(outcome.results[0][0].transfer).toBe(outcome.created[0]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 100n, 0n, 0n]);
    expect(balances(finalOf(outcome, B))).toEqual([0n, 0n, 0n, 100n]);
    expect(outcome.changes).toEqual([
      {
        accountId: A,
        transferId: uuid(100),
        debitsPending: 0n,
        debitsPosted: 100n,
        creditsPending: 0n,
        creditsPosted: 0n,
      },
      {
        accountId: B,
        transferId: uuid(100),
        debitsPending: 0n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 100n,
      },
    ]);
    expect(outcome.pendings).toEqual([]);
    expect(a.debitsPosted).toBe(0n);
    expect(b.creditsPosted).toBe(0n);
  });

  it('lists only the accounts that changed', () => {
    const outcome = run([[single(100), single(101, { debitAccountId: C, amount: '0' })]]);
    expect(codes(outcome)).toEqual([['created', 'amount_must_be_positive']]);
    expect(outcome.accounts.map((a) => a.id)).toEqual([A, B]);
  });

  it.each<[string, Partial<CreateTransfer>, string]>([
    ['the same account on both sides', { creditAccountId: A }, 'accounts_must_be_different'],
    ['amount 0', { amount: '0' }, 'amount_must_be_positive'],
    ['an amount above MAX_AMOUNT', { amount: (MAX_AMOUNT + 1n).toString() }, 'overflow'],
    ['an amount with 40 digits', { amount: '9'.repeat(40) }, 'overflow'],
    ['an unknown debit account', { debitAccountId: uuid(77) }, 'account_not_found'],
    ['an unknown credit account', { creditAccountId: uuid(77) }, 'account_not_found'],
    ['accounts of different currencies', { creditAccountId: GBP }, 'currency_mismatch'],
    ['a currency other than the accounts', { currency: 'USD' }, 'currency_mismatch'],
  ])('refuses %s', (_what, overrides, code) => {
    const outcome = run([[single(100, overrides), pending(101, overrides)]], {
      accounts: [account(A), account(B), account(GBP, { currency: 'GBP' })],
    });
    expect(codes(outcome)).toEqual([[code, code]]);
    expect(outcome.created).toEqual([]);
    expect(outcome.changes).toEqual([]);
    expect(outcome.accounts).toEqual([]);
  });

  it('refuses a closed account on either side', () => {
    const outcome = run([[single(100), single(101, { debitAccountId: C, creditAccountId: A })]], {
      accounts: [account(A), account(B, { closed: true }), account(C, { closed: true })],
    });
    expect(codes(outcome)).toEqual([['account_closed', 'account_closed']]);
  });

  it('answers overflow when pending + posted + amount would pass MAX_AMOUNT, and accepts exactly MAX_AMOUNT', () => {
    const accounts = [
      account(A, { debitsPosted: MAX_AMOUNT - 150n, debitsPending: 50n }),
      account(B, { creditsPosted: MAX_AMOUNT - 100n }),
      account(C),
    ];
    expect(codes(run([[single(100, { amount: '101' })]], { accounts }))).toEqual([['overflow']]);
    expect(codes(run([[single(100, { creditAccountId: C, amount: '101' })]], { accounts }))).toEqual([
      ['overflow'],
    ]);
    expect(codes(run([[single(100, { debitAccountId: C, amount: '101' })]], { accounts }))).toEqual([
      ['overflow'],
    ]);
    const full = run([[single(100, { amount: '100' })]], { accounts });
    expect(codes(full)).toEqual([['created']]);
    expect(finalOf(full, A)?.debitsPosted).toBe(MAX_AMOUNT - 50n);
    expect(finalOf(full, B)?.creditsPosted).toBe(MAX_AMOUNT);
    expect(
      codes(
        run([[single(100, { amount: MAX_AMOUNT.toString(), debitAccountId: C, creditAccountId: A })]], {
          accounts,
        }),
      ),
    ).toEqual([['created']]);
  });

  it('refuses to overdraw a no-overdraft account, counting pending debits, and allows spending to exactly zero', () => {
    const accounts = [wallet(A, 100n), account(B), account(C)];
    expect(codes(run([[single(100, { amount: '101' })]], { accounts }))).toEqual([['exceeds_credits']]);
    expect(
      codes(run([[pending(100, { amount: '60' }), single(101, { amount: '50' })]], { accounts })),
    ).toEqual([['created', 'exceeds_credits']]);
    const exact = run([[pending(100, { amount: '60' }), single(101, { amount: '40' })]], { accounts });
    expect(codes(exact)).toEqual([['created', 'created']]);
    expect(balances(finalOf(exact, A))).toEqual([60n, 40n, 0n, 100n]);
  });

  it('refuses to credit a credits-must-not-exceed-debits account past its debits', () => {
    const accounts = [
      account(A),
      account(B, {
        flags: { debitsMustNotExceedCredits: false, creditsMustNotExceedDebits: true },
        debitsPosted: 100n,
      }),
    ];
    expect(codes(run([[single(100, { amount: '101' })]], { accounts }))).toEqual([['exceeds_debits']]);
    expect(
      codes(run([[pending(100, { amount: '70' }), single(101, { amount: '31' })]], { accounts })),
    ).toEqual([['created', 'exceeds_debits']]);
    expect(
      codes(run([[pending(100, { amount: '70' }), single(101, { amount: '30' })]], { accounts })),
    ).toEqual([['created', 'created']]);
  });
});

describe('applyBatch: malformed transfers are invalid_transfer, never thrown', () => {
  const cases: Array<[string, unknown]> = [
    ['not an object', null],
    ['a bad id', single(100, { id: 'not-a-uuid' })],
    ['an uppercase id', single(100, { id: uuid(100).toUpperCase().replace('0000-4000', '0000-4ABC') })],
    ['code 0', single(100, { code: 0 })],
    ['code 65536', single(100, { code: 65536 })],
    ['a fractional code', single(100, { code: 1.5 })],
    ['no reference', { ...single(100), reference: undefined }],
    ['a numeric description', { ...single(100), description: 5 }],
    ['a non-boolean linked', { ...single(100), linked: 'yes' }],
    ['metadata with a number', { ...single(100), metadata: { n: 1 } }],
    ['metadata as an array', { ...single(100), metadata: ['x'] }],
    ['a single without a debit account', { ...single(100), debitAccountId: undefined }],
    ['a pending without a credit account', { ...pending(100), creditAccountId: undefined }],
    ['a single without an amount', { ...single(100), amount: undefined }],
    ['a single without a currency', { ...single(100), currency: undefined }],
    ['an amount with a leading zero', single(100, { amount: '0100' })],
    ['a negative amount', single(100, { amount: '-1' })],
    ['a decimal amount', single(100, { amount: '1.5' })],
    ['a numeric amount', { ...single(100), amount: 100 }],
    ['a lowercase currency', single(100, { currency: 'eur' })],
    ['a bad account id', single(100, { creditAccountId: 'b' })],
    ['timeoutSeconds on a single', single(100, { timeoutSeconds: 10 })],
    ['a negative timeout', pending(100, { timeoutSeconds: -1 })],
    ['a timeout past 2^32 - 1', pending(100, { timeoutSeconds: 2 ** 32 })],
    ['a pendingId on a single', single(100, { pendingId: uuid(500) })],
    ['a post without pendingId', { ...post(100, 500), pendingId: undefined }],
    ['a post of itself', post(100, 100)],
    ['timeoutSeconds on a post', post(100, 500, { timeoutSeconds: 5 })],
    ['timeoutSeconds on a void', voidOf(100, 500, { timeoutSeconds: 0 })],
    ['the kind expire_pending', { ...single(100), kind: 'expire_pending' }],
    ['an unknown kind', { ...single(100), kind: 'refund' }],
  ];

  it.each(cases)('%s', (_what, transfer) => {
    const outcome = run([[transfer as CreateTransfer]], { pendings: [heldPending(500, 100n)] });
    expect(codes(outcome)).toEqual([['invalid_transfer']]);
    expect(outcome.created).toEqual([]);
  });

  it('reports the id it was given, or an empty one', () => {
    const outcome = run([[single(100, { code: 0 }), null as unknown as CreateTransfer]]);
    expect(outcome.results[0].map((r) => r.id)).toEqual([uuid(100), '']);
  });

  it('answers an empty result list for a request without a transfer array', () => {
    const outcome = applyBatch({
      requests: [{} as BatchRequest, {} as ExpiryRequest],
      accounts: new Map(),
      pendings: new Map(),
      existing: new Map(),
      now: NOW,
    });
    expect(outcome.results).toEqual([[], []]);
  });

  it('accepts null for optional fields and timeout 0 as no timeout', () => {
    const outcome = run([
      [
        {
          ...pending(100, { timeoutSeconds: 0 }),
          metadata: null,
          linked: null,
          pendingId: null,
        } as unknown as CreateTransfer,
      ],
    ]);
    expect(codes(outcome)).toEqual([['created']]);
    expect(outcome.pendings[0].expiresAt).toBeNull();
  });
});

describe('applyBatch: idempotency', () => {
  function storedSingle(): StoredTransfer {
    return run([[single(100, { metadata: { a: '1', b: '2' } })]]).created[0];
  }

  it('answers exists with the stored transfer for the same fields, whatever the accounts look like now', () => {
    const stored = storedSingle();
    const outcome = run([[single(100, { metadata: { b: '2', a: '1' } })]], {
      existing: [stored],
      accounts: [account(A, { closed: true }), account(B)],
    });
    expect(outcome.results[0][0]).toEqual({ id: uuid(100), result: 'exists', transfer: stored });
    expect(outcome.created).toEqual([]);
    expect(outcome.changes).toEqual([]);
  });

  it.each<[Partial<CreateTransfer>, string]>([
    [{ kind: 'pending' }, 'kind'],
    [{ debitAccountId: C, creditAccountId: C }, 'debitAccountId'],
    [{ creditAccountId: C, amount: '5' }, 'creditAccountId'],
    [{ amount: '101', currency: 'USD' }, 'amount'],
    [{ amount: '0' }, 'amount'],
    [{ currency: 'USD', code: 2 }, 'currency'],
    [{ code: 2, reference: 'x' }, 'code'],
    [{ reference: 'x', description: 'y' }, 'reference'],
    [{ description: 'y', metadata: {} }, 'description'],
    [{ metadata: { a: '1' } }, 'metadata'],
    [{ metadata: { a: '1', b: '3' } }, 'metadata'],
    [{ metadata: { a: '1', c: '2' } }, 'metadata'],
  ])('names the first differing field: %j → %s', (overrides, field) => {
    const stored = storedSingle();
    const outcome = run([[single(100, { metadata: { a: '1', b: '2' }, ...overrides })]], {
      existing: [stored],
    });
    expect(outcome.results[0][0]).toEqual({ id: uuid(100), result: 'exists_with_different_fields', field });
  });

  it('compares the timeout of a pending transfer and its pendingId', () => {
    const stored = run([[pending(100, { timeoutSeconds: 60 })]]).created[0];
    expect(stored.timeoutAt).toEqual(new Date(NOW.getTime() + 60_000));
    const later = new Date(NOW.getTime() + 5_000);
    const same = run([[pending(100, { timeoutSeconds: 60 })]], { existing: [stored], now: later });
    expect(codes(same)).toEqual([['exists']]);
    const other = run([[pending(100, { timeoutSeconds: 61 })]], { existing: [stored] });
    expect(other.results[0][0].field).toBe('timeoutSeconds');
    const none = run([[pending(100)]], { existing: [stored] });
    expect(none.results[0][0].field).toBe('timeoutSeconds');
  });

  it('applies a repeated id once within a batch, and frees the id of a transfer that failed', () => {
    const outcome = run([
      [single(100), single(100), single(100, { amount: '7' })],
      [single(101, { amount: '0' }), single(101, { amount: '5' }), single(100)],
    ]);
    expect(codes(outcome)).toEqual([
      ['created', 'exists', 'exists_with_different_fields'],
      ['amount_must_be_positive', 'created', 'exists'],
    ]);
    expect(outcome.created.map((t) => t.id)).toEqual([uuid(100), uuid(101)]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 105n, 0n, 0n]);
    expect(outcome.results[0][1].transfer).toBe(outcome.created[0]);
  });

  it('matches a post without amount against the stored full post, not against a stored partial one', () => {
    const posted = heldPending(500, 100n, { status: 'posted' });
    const full = run([[pending(500)], [post(100, 500)]]).created[1];
    expect(codes(run([[post(100, 500)]], { existing: [full], pendings: [posted] }))).toEqual([['exists']]);
    expect(codes(run([[post(100, 500, { amount: '0' })]], { existing: [full], pendings: [posted] }))).toEqual(
      [['exists']],
    );
    expect(
      codes(run([[post(100, 500, { amount: '100' })]], { existing: [full], pendings: [posted] })),
    ).toEqual([['exists']]);
    expect(
      codes(
        run([[post(100, 500, { debitAccountId: A, creditAccountId: B, currency: 'EUR' })]], {
          existing: [full],
          pendings: [posted],
        }),
      ),
    ).toEqual([['exists']]);
    const other = run([[post(100, 500, { creditAccountId: C })]], { existing: [full], pendings: [posted] });
    expect(other.results[0][0].field).toBe('creditAccountId');

    const partial = run([[pending(500)], [post(100, 500, { amount: '40' })]]).created[1];
    const retry = run([[post(100, 500)]], { existing: [partial], pendings: [posted] });
    expect(retry.results[0][0]).toMatchObject({ result: 'exists_with_different_fields', field: 'amount' });
    expect(
      codes(run([[post(100, 500, { amount: '40' })]], { existing: [partial], pendings: [posted] })),
    ).toEqual([['exists']]);
    const pendingId = run([[post(100, 501, { amount: '40' })]], { existing: [partial], pendings: [posted] });
    expect(pendingId.results[0][0].field).toBe('pendingId');
  });

  it('still answers invalid_transfer for a malformed retry of a stored id', () => {
    const stored = storedSingle();
    expect(codes(run([[single(100, { code: 0 })]], { existing: [stored] }))).toEqual([['invalid_transfer']]);
  });
});

describe('applyBatch: pending, post and void', () => {
  it('holds funds in the pending columns and creates the pending row with its expiry', () => {
    const outcome = run([[pending(500, { timeoutSeconds: 30 })]]);
    expect(codes(outcome)).toEqual([['created']]);
    expect(balances(finalOf(outcome, A))).toEqual([100n, 0n, 0n, 0n]);
    expect(balances(finalOf(outcome, B))).toEqual([0n, 0n, 100n, 0n]);
    expect(outcome.pendings).toEqual([
      heldPending(500, 100n, { expiresAt: new Date(NOW.getTime() + 30_000) }),
    ]);
    expect(outcome.created[0]).toMatchObject({
      kind: 'pending',
      timeoutAt: new Date(NOW.getTime() + 30_000),
    });
  });

  it('posts all of a pending transfer created in the same batch', () => {
    const outcome = run([[pending(500)], [post(100, 500)]]);
    expect(codes(outcome)).toEqual([['created'], ['created']]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 100n, 0n, 0n]);
    expect(balances(finalOf(outcome, B))).toEqual([0n, 0n, 0n, 100n]);
    expect(outcome.pendings).toEqual([heldPending(500, 100n, { status: 'posted' })]);
    expect(outcome.created[1]).toMatchObject({
      kind: 'post_pending',
      debitAccountId: A,
      creditAccountId: B,
      currency: 'EUR',
      amount: 100n,
      pendingId: uuid(500),
    });
    expect(outcome.changes.map((c) => [c.accountId, c.transferId, c.debitsPending, c.creditsPosted])).toEqual(
      [
        [A, uuid(500), 100n, 0n],
        [B, uuid(500), 0n, 0n],
        [A, uuid(100), 0n, 0n],
        [B, uuid(100), 0n, 100n],
      ],
    );
  });

  it('posts part of a stored pending transfer and releases the rest', () => {
    const accounts = [account(A, { debitsPending: 100n }), account(B, { creditsPending: 100n })];
    const held = heldPending(500, 100n);
    const outcome = run([[post(100, 500, { amount: '30' })]], { accounts, pendings: [held] });
    expect(codes(outcome)).toEqual([['created']]);
    expect(outcome.created[0].amount).toBe(30n);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 30n, 0n, 0n]);
    expect(balances(finalOf(outcome, B))).toEqual([0n, 0n, 0n, 30n]);
    expect(held.status).toBe('pending');
    expect(accounts[0].debitsPending).toBe(100n);
  });

  it('treats amount 0 as all of it, and refuses more than the pending amount', () => {
    const outcome = run([[pending(500), post(100, 500, { amount: '101' }), post(101, 500, { amount: '0' })]]);
    expect(codes(outcome)).toEqual([['created', 'exceeds_pending_transfer_amount', 'created']]);
    expect(outcome.created[1].amount).toBe(100n);
  });

  it('voids: releases the whole amount; a partial void is invalid; the exact amount is accepted', () => {
    const outcome = run([
      [pending(500), voidOf(100, 500, { amount: '40' }), voidOf(101, 500, { amount: '101' })],
      [voidOf(102, 500, { amount: '100' })],
    ]);
    expect(codes(outcome)).toEqual([
      ['created', 'invalid_transfer', 'exceeds_pending_transfer_amount'],
      ['created'],
    ]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 0n, 0n, 0n]);
    expect(outcome.pendings[0].status).toBe('voided');
    expect(outcome.created[1]).toMatchObject({ kind: 'void_pending', amount: 100n });
  });

  it('refuses posting or voiding twice, and resolving what is not pending', () => {
    const outcome = run([
      [pending(500), pending(501), post(100, 500), void0(101, 500), post(102, 500)],
      [voidOf(103, 501), post(104, 501), voidOf(105, 501)],
      [post(106, 599), post(107, 100)],
    ]);
    function void0(id: number, p: number): CreateTransfer {
      return voidOf(id, p);
    }
    expect(codes(outcome)).toEqual([
      ['created', 'created', 'created', 'pending_transfer_already_posted', 'pending_transfer_already_posted'],
      ['created', 'pending_transfer_already_voided', 'pending_transfer_already_voided'],
      ['pending_transfer_not_found', 'pending_transfer_not_found'],
    ]);
  });

  it('refuses a pending transfer that expired (by status, or by its time even before the expiry job ran)', () => {
    const pendings = [
      heldPending(500, 10n, { status: 'expired' }),
      heldPending(501, 10n, { expiresAt: NOW }),
      heldPending(502, 10n, { expiresAt: new Date(NOW.getTime() + 1) }),
    ];
    const accounts = [account(A, { debitsPending: 20n }), account(B, { creditsPending: 20n })];
    const outcome = run([[post(100, 500), voidOf(101, 501), post(102, 502)]], { pendings, accounts });
    expect(codes(outcome)).toEqual([['pending_transfer_expired', 'pending_transfer_expired', 'created']]);
  });

  it('checks accounts and currency the caller sent against the pending transfer', () => {
    const outcome = run([
      [pending(500)],
      [
        post(100, 500, { debitAccountId: C }),
        post(101, 500, { creditAccountId: A }),
        voidOf(102, 500, { currency: 'USD' }),
        post(103, 500, { debitAccountId: A, creditAccountId: B, currency: 'EUR' }),
      ],
    ]);
    expect(codes(outcome)).toEqual([
      ['created'],
      ['invalid_transfer', 'invalid_transfer', 'currency_mismatch', 'created'],
    ]);
  });

  it('refuses to post to a closed account but lets a void release the hold', () => {
    const accounts = [
      account(A, { debitsPending: 100n }),
      account(B, { creditsPending: 100n, closed: true }),
    ];
    const pendings = [heldPending(500, 100n)];
    expect(codes(run([[post(100, 500)]], { accounts, pendings }))).toEqual([['account_closed']]);
    expect(codes(run([[voidOf(100, 500)]], { accounts, pendings }))).toEqual([['created']]);
  });

  it('answers account_not_found when a pending transfer names an account the writer did not load', () => {
    const accounts = [account(A, { debitsPending: 100n })];
    expect(codes(run([[post(100, 500)]], { accounts, pendings: [heldPending(500, 100n)] }))).toEqual([
      ['account_not_found'],
    ]);
  });

  it('posting never breaks a limit: a wallet may post its whole hold', () => {
    const accounts = [
      { ...wallet(A, 100n), debitsPending: 100n },
      account(B, {
        flags: { debitsMustNotExceedCredits: false, creditsMustNotExceedDebits: true },
        debitsPosted: 100n,
        creditsPending: 100n,
      }),
    ];
    const outcome = run([[post(100, 500)]], { accounts, pendings: [heldPending(500, 100n)] });
    expect(codes(outcome)).toEqual([['created']]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 100n, 0n, 100n]);
  });

  it('throws (a programmer error) when the stored pending columns cannot hold the pending amount', () => {
    expect(() => run([[voidOf(100, 500)]], { pendings: [heldPending(500, 100n)] })).toThrow(/inconsistent/);
  });
});

describe('applyBatch: expiry', () => {
  const accounts = [account(A, { debitsPending: 60n }), account(B, { creditsPending: 60n })];

  it('voids a due pending transfer as an expire_pending transfer', () => {
    const pendings = [heldPending(500, 60n, { expiresAt: NOW })];
    const outcome = run([{ expirations: [{ id: uuid(100), pendingId: uuid(500) }] }], { accounts, pendings });
    expect(codes(outcome)).toEqual([['created']]);
    expect(outcome.created[0]).toEqual({
      id: uuid(100),
      kind: 'expire_pending',
      debitAccountId: A,
      creditAccountId: B,
      amount: 60n,
      currency: 'EUR',
      code: EXPIRE_PENDING_CODE,
      pendingId: uuid(500),
      timeoutAt: null,
      reference: '',
      description: 'pending transfer expired',
      metadata: {},
      createdAt: NOW,
    });
    expect(outcome.pendings).toEqual([{ ...pendings[0], status: 'expired' }]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 0n, 0n, 0n]);
    expect(balances(finalOf(outcome, B))).toEqual([0n, 0n, 0n, 0n]);
  });

  it('changes nothing for a pending transfer that is resolved, not due, or unknown', () => {
    const due = new Date(NOW.getTime() - 1000);
    const pendings = [
      heldPending(500, 10n, { expiresAt: due, status: 'posted' }),
      heldPending(501, 10n, { expiresAt: due, status: 'voided' }),
      heldPending(502, 10n, { expiresAt: due, status: 'expired' }),
      heldPending(503, 10n, { expiresAt: new Date(NOW.getTime() + 1) }),
      heldPending(504, 10n),
    ];
    const expirations = [500, 501, 502, 503, 504, 505].map((p, i) => ({
      id: uuid(100 + i),
      pendingId: uuid(p),
    }));
    const outcome = run([{ expirations }, { expirations: [{ id: 'x', pendingId: uuid(500) }] }], {
      accounts,
      pendings,
    });
    expect(codes(outcome)).toEqual([
      [
        'pending_transfer_already_posted',
        'pending_transfer_already_voided',
        'pending_transfer_expired',
        'pending_transfer_not_pending',
        'pending_transfer_not_pending',
        'pending_transfer_not_found',
      ],
      ['invalid_transfer'],
    ]);
    expect(outcome.created).toEqual([]);
    expect(outcome.pendings).toEqual([]);
  });

  it('answers a retried expiration by its id, and expires a pending transfer once', () => {
    const pendings = [heldPending(500, 60n, { expiresAt: NOW })];
    const first = run([{ expirations: [{ id: uuid(100), pendingId: uuid(500) }] }], { accounts, pendings });
    const retry = run(
      [
        {
          expirations: [
            { id: uuid(100), pendingId: uuid(500) },
            { id: uuid(100), pendingId: uuid(501) },
            { id: uuid(101), pendingId: uuid(500) },
          ],
        },
      ],
      { accounts: first.accounts, pendings: first.pendings, existing: first.created },
    );
    expect(retry.results[0]).toEqual([
      { id: uuid(100), result: 'exists', transfer: first.created[0] },
      { id: uuid(100), result: 'exists_with_different_fields', field: 'pendingId' },
      { id: uuid(101), result: 'pending_transfer_expired' },
    ]);
    const kind = run([{ expirations: [{ id: uuid(100), pendingId: uuid(500) }] }], {
      existing: [run([[single(100)]]).created[0]],
    });
    expect(kind.results[0][0]).toMatchObject({ result: 'exists_with_different_fields', field: 'kind' });
  });
});

describe('applyBatch: linked chains', () => {
  it('creates a whole chain that succeeds', () => {
    const outcome = run([[single(100, { linked: true }), pending(500, { linked: true }), post(101, 500)]]);
    expect(codes(outcome)).toEqual([['created', 'created', 'created']]);
  });

  it('rolls back a failed chain: balances, pendings, created transfers and history, and frees its ids', () => {
    const accounts = [wallet(A, 100n), account(B), account(C)];
    const outcome = run(
      [
        [
          single(99, { amount: '10' }),
          single(100, { amount: '20', linked: true }),
          pending(500, { amount: '30', linked: true }),
          post(101, 500, { linked: true }),
          single(102, { amount: '41', linked: true }),
          single(103, { amount: '1' }),
          single(104, { amount: '5' }),
        ],
        [single(100, { amount: '20' }), pending(500, { amount: '30' })],
      ],
      { accounts },
    );
    expect(codes(outcome)).toEqual([
      [
        'created',
        'linked_event_failed',
        'linked_event_failed',
        'linked_event_failed',
        'exceeds_credits',
        'linked_event_failed',
        'created',
      ],
      ['created', 'created'],
    ]);
    expect(outcome.created.map((t) => t.id)).toEqual([uuid(99), uuid(104), uuid(100), uuid(500)]);
    expect(balances(finalOf(outcome, A))).toEqual([30n, 35n, 0n, 100n]);
    expect(outcome.pendings).toEqual([heldPending(500, 30n)]);
    expect(outcome.changes.map((c) => c.transferId)).toEqual(
      [99, 99, 104, 104, 100, 100, 500, 500].map((n) => uuid(n)),
    );
    expect(outcome.changes[3]).toMatchObject({ accountId: B, creditsPosted: 15n });
  });

  it('restores a pending transfer a failed chain had posted, to what it was before the chain', () => {
    const outcome = run([
      [pending(500, { amount: '50' })],
      [post(100, 500, { amount: '20', linked: true }), single(101, { amount: '0' })],
      [voidOf(102, 500)],
    ]);
    expect(codes(outcome)).toEqual([
      ['created'],
      ['linked_event_failed', 'amount_must_be_positive'],
      ['created'],
    ]);
    expect(outcome.pendings).toEqual([heldPending(500, 50n, { status: 'voided' })]);
    expect(balances(finalOf(outcome, A))).toEqual([0n, 0n, 0n, 0n]);
  });

  it('fails a chain on its first transfer without evaluating the rest', () => {
    const outcome = run([
      [single(100, { amount: '0', linked: true }), single(101, { linked: true }), single(102)],
    ]);
    expect(codes(outcome)).toEqual([
      ['amount_must_be_positive', 'linked_event_failed', 'linked_event_failed'],
    ]);
    expect(outcome.accounts).toEqual([]);
  });

  it('answers linked_chain_open for every transfer of a trailing open chain, and runs the rest', () => {
    const outcome = run([
      [
        single(100),
        single(101, { linked: true }),
        single(102),
        single(103, { linked: true }),
        single(104, { linked: true }),
      ],
      [single(105, { linked: true })],
    ]);
    expect(codes(outcome)).toEqual([
      ['created', 'created', 'created', 'linked_chain_open', 'linked_chain_open'],
      ['linked_chain_open'],
    ]);
    expect(outcome.created.map((t) => t.id)).toEqual([100, 101, 102].map((n) => uuid(n)));
  });

  it('counts exists as success inside a chain, so a retried chain answers exists throughout', () => {
    const first = run([[single(100, { linked: true }), single(101)]]);
    const retry = run([[single(100, { linked: true }), single(101)]], { existing: first.created });
    expect(codes(retry)).toEqual([['exists', 'exists']]);
    const mixed = run(
      [[single(100, { linked: true }), single(102, { linked: true }), single(103, { amount: '0' })]],
      {
        existing: first.created,
      },
    );
    expect(codes(mixed)).toEqual([['linked_event_failed', 'linked_event_failed', 'amount_must_be_positive']]);
    expect(mixed.created).toEqual([]);
  });

  it('rolls back an id repeated inside the failed chain', () => {
    const outcome = run([
      [single(100, { linked: true }), single(100, { linked: true }), single(101, { creditAccountId: A })],
      [single(100, { amount: '7' })],
    ]);
    expect(codes(outcome)).toEqual([
      ['linked_event_failed', 'linked_event_failed', 'accounts_must_be_different'],
      ['created'],
    ]);
    expect(outcome.created).toHaveLength(1);
    expect(outcome.created[0].amount).toBe(7n);
  });
});
