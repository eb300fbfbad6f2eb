// The ledger side of `npm run bench:ledger`: accounts created and funded over the ledger's RPC interface, then one
// transfer per `transfers.create` call, exactly as a client service would send it.
import { randomUUID } from 'node:crypto';

const ACCOUNTS_PER_CALL = 1000;
const TRANSFERS_PER_CALL = 8000;

export async function prepareLedger({ rpc, ledgerRpc, wallets, funding = 1_000_000_000n }) {
  const call = (contract, request) => rpc.call(contract, request, { timeoutMs: 120_000 });
  const [settlement] = (await call(ledgerRpc.listAccounts, { type: 'settlement', currency: 'EUR', limit: 1 }))
    .data;
  if (!settlement) throw new Error('no EUR settlement account: are the ledger migrations applied?');
  const walletIds = Array.from({ length: wallets }, () => randomUUID());
  const hot = randomUUID();
  const wallet = (id) => ({
    id,
    type: 'customer_wallet',
    currency: 'EUR',
    flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false },
    metadata: { bench: 'ledger' },
  });
  const all = [...walletIds, hot];
  for (let start = 0; start < all.length; start += ACCOUNTS_PER_CALL) {
    const { results } = await call(ledgerRpc.createAccounts, {
      accounts: all.slice(start, start + ACCOUNTS_PER_CALL).map(wallet),
    });
    const bad = results.find((result) => result.result !== 'created');
    if (bad) throw new Error(`account ${bad.id}: ${bad.result}`);
  }
  for (let start = 0; start < walletIds.length; start += TRANSFERS_PER_CALL) {
    const { results } = await call(ledgerRpc.createTransfers, {
      transfers: walletIds.slice(start, start + TRANSFERS_PER_CALL).map((id) => ({
        id: randomUUID(),
        kind: 'single',
        debitAccountId: settlement.id,
        creditAccountId: id,
        amount: funding.toString(),
        currency: 'EUR',
        code: 2,
        reference: 'bench-funding',
        description: 'bench funding',
      })),
    });
    const bad = results.find((result) => result.result !== 'created');
    if (bad) throw new Error(`funding transfer ${bad.id}: ${bad.result}`);
  }
  return { walletIds, hot };
}

function benchTransfer(debit, credit) {
  return {
    id: randomUUID(),
    kind: 'single',
    debitAccountId: debit,
    creditAccountId: credit,
    amount: '1',
    currency: 'EUR',
    code: 1,
    reference: 'bench',
    description: 'bench transfer',
  };
}

/** One transfer per `transfers.create` message; anything but `created` counts as an error. */
export function ledgerTransfer({ rpc, ledgerRpc }) {
  return async (debit, credit) => {
    const { results } = await rpc.call(
      ledgerRpc.createTransfers,
      { transfers: [benchTransfer(debit, credit)] },
      { timeoutMs: 30_000 },
    );
    if (results[0]?.result !== 'created') throw new Error(`transfer: ${results[0]?.result}`);
  };
}

/** One transfer per `LedgerClient.createTransfers` call: concurrent callers share messages. */
export function ledgerClientTransfer({ ledgerClient }) {
  return async (debit, credit) => {
    const [result] = await ledgerClient.createTransfers([benchTransfer(debit, credit)]);
    if (result?.result !== 'created') throw new Error(`transfer: ${result?.result}`);
  };
}

/** Two distinct random wallets (random workload), or a random wallet paying the hot account. */
export function pickers(walletIds, hot) {
  const any = () => walletIds[Math.floor(Math.random() * walletIds.length)];
  return {
    random: () => {
      const debit = any();
      let credit = any();
      while (credit === debit) credit = any();
      return [debit, credit];
    },
    hot: () => [any(), hot],
  };
}
