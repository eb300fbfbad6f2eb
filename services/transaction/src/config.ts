import { amqpEnv, commonEnv, envVar, httpEnv, otelEnv, postgresEnv } from '@kasho/config';
import { z } from 'zod';

/** The ledger writer's settings (read by the write module itself). */
export const ledgerWriteEnv = z.object({
  /**
   * Write batches one replica has in flight at once, each on its own database connection (taken from the pool of
   * DATABASE_POOL_SIZE and held): while one batch waits for its commit or a lock, the next is read and written.
   */
  LEDGER_WRITE_IN_FLIGHT: envVar.int({ min: 1, max: 8, default: 2 }),
});

/** The ledger's own settings. */
export const ledgerEnv = z.object({
  ...ledgerWriteEnv.shape,
  /** Time between rounds of the job that voids expired pending transfers; 0 turns it off. */
  LEDGER_EXPIRY_INTERVAL_MS: envVar.int({ min: 0, max: 3_600_000, default: 1000 }),
  /**
   * RPC requests a replica holds at once. Group commit can only coalesce the requests it holds: at the messaging
   * default of 32, 64 concurrent callers would be written in batches of at most 32.
   */
  LEDGER_RPC_PREFETCH: envVar.int({ min: 1, max: 10_000, default: 512 }),
  /**
   * The writer publishes each batch's events right after its commit; the outbox relay publishes only the rows
   * still unpublished this long after they were written (a crash after the commit, an unconfirmed publish).
   */
  LEDGER_OUTBOX_FALLBACK_DELAY_MS: envVar.int({ min: 100, max: 600_000, default: 5000 }),
});

/** The transaction service's settings; every one has a local default (see README, Configuration). */
export const transactionEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3003).shape,
  ...postgresEnv('transaction').shape,
  ...amqpEnv.shape,
  ...otelEnv('transaction').shape,
  ...ledgerEnv.shape,
});

export type TransactionConfig = z.output<typeof transactionEnv>;
