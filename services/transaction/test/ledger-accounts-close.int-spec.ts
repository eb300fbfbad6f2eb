import { randomUUID } from 'node:crypto';
import { ledgerRpc } from '@kasho/contracts';
import { ErrorCode } from '@kasho/errors';
import { type LedgerHarness, single, startLedgerHarness } from './ledger-harness';

// accounts.close against the real write path: only an empty account closes (posted balanced, nothing pending), and
// once closed the writer refuses transfers that name it.

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness('close');
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

it('closes an empty account only, once, and refuses transfers to it afterwards', async () => {
  const wallet = await h.account('customer_wallet');
  const other = await h.account('customer_wallet');
  await h.fund(wallet, 100n);
  expect((await h.call(ledgerRpc.closeAccount, { id: wallet })).result).toBe('not_empty');

  const [held] = await h.transfer([{ ...single(randomUUID(), wallet, other, 100n), kind: 'pending' }]);
  expect(held.result).toBe('created');
  // Nothing left on the posted balance's free part, but a hold is pending: still not empty.
  expect((await h.call(ledgerRpc.closeAccount, { id: wallet })).result).toBe('not_empty');
  const [posted] = await h.transfer([
    {
      id: randomUUID(),
      kind: 'post_pending',
      pendingId: held.id,
      code: 1,
      reference: 'post',
      description: 'post',
    },
  ]);
  expect(posted.result).toBe('created');

  const closed = await h.call(ledgerRpc.closeAccount, { id: wallet });
  expect(closed).toMatchObject({ id: wallet, result: 'closed', account: { closed: true } });
  expect((await h.call(ledgerRpc.closeAccount, { id: wallet })).result).toBe('already_closed');
  const [refused] = await h.transfer([single(randomUUID(), other, wallet, 1n)]);
  expect(refused.result).toBe('account_closed');

  expect((await h.call(ledgerRpc.closeAccount, { id: randomUUID() })).result).toBe('account_not_found');
  expect((await h.failure(ledgerRpc.closeAccount, { id: 'nope' })).code).toBe(ErrorCode.ValidationFailed);
});
