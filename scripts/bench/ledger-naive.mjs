// The reference of `npm run bench:ledger`: the naive double-entry write, one transfer per database transaction
// (two account UPDATEs in id order and one INSERT), on its own database with the ledger's schema shape (bigint
// totals, the no-overdraft CHECK on wallets, an immutable-style transfers table). What pgbench measures, from
// node-postgres, so both sides pay the same client costs.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const SCHEMA = `
CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  currency char(3) NOT NULL,
  debits_must_not_exceed_credits boolean NOT NULL,
  debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  CHECK (NOT debits_must_not_exceed_credits OR debits_posted <= credits_posted)
);
CREATE TABLE transfers (
  id uuid PRIMARY KEY,
  debit_account_id uuid NOT NULL REFERENCES accounts(id),
  credit_account_id uuid NOT NULL REFERENCES accounts(id),
  amount bigint NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`;

/**
 * Creates `<serverUrl>/<name>` with `wallets` funded wallets, one hot account and a settlement account; answers
 * `transfer(debit, credit)` and the ids. The pool is capped at `maxConnections` (PostgreSQL here allows 100).
 */
export async function startNaiveLedger({
  serverUrl,
  name,
  wallets,
  maxConnections = 64,
  funding = 1_000_000_000n,
}) {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: `${serverUrl}/${name}`, max: maxConnections });
  await pool.query(SCHEMA);
  const settlement = randomUUID();
  const hot = randomUUID();
  const walletIds = Array.from({ length: wallets }, () => randomUUID());
  await pool.query(
    "INSERT INTO accounts (id, currency, debits_must_not_exceed_credits, debits_posted) VALUES ($1, 'EUR', false, $2)",
    [settlement, (funding * BigInt(wallets)).toString()],
  );
  await pool.query(
    "INSERT INTO accounts (id, currency, debits_must_not_exceed_credits) VALUES ($1, 'EUR', true)",
    [hot],
  );
  await pool.query(
    'INSERT INTO accounts (id, currency, debits_must_not_exceed_credits, credits_posted) ' +
      "SELECT unnest($1::uuid[]), 'EUR', true, $2",
    [walletIds, funding.toString()],
  );
  await pool.query('ANALYZE');

  async function transfer(debit, credit, amount = 1) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // A fixed lock order (by id), as any correct one-transfer-per-transaction design must take.
      const first = debit < credit ? debit : credit;
      const second = first === debit ? credit : debit;
      for (const id of [first, second]) {
        if (id === debit)
          await client.query('UPDATE accounts SET debits_posted = debits_posted + $2 WHERE id = $1', [
            id,
            amount,
          ]);
        else
          await client.query('UPDATE accounts SET credits_posted = credits_posted + $2 WHERE id = $1', [
            id,
            amount,
          ]);
      }
      await client.query(
        "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, currency) VALUES ($1, $2, $3, $4, 'EUR')",
        [randomUUID(), debit, credit, amount],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  return { walletIds, hot, transfer, close: () => pool.end() };
}
