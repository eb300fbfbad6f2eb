import { type DataSource, type EntityManager } from 'typeorm';

export type TransactionIsolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

export interface TransactionOptions {
  /** READ COMMITTED by default. */
  isolation?: TransactionIsolation;
  /**
   * Extra attempts after a serialization failure or deadlock. 3 by default under REPEATABLE READ and SERIALIZABLE
   * (where such failures are expected and retrying is the documented remedy), 0 under READ COMMITTED.
   */
  retries?: number;
}

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const DEFAULT_RETRIES = 3;
const BASE_DELAY_MS = 10;
const MAX_DELAY_MS = 500;

function sqlState(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  return code ?? driverError?.code;
}

/** True for errors after which PostgreSQL asks the client to run the whole transaction again. */
export function isRetryableTransactionError(error: unknown): boolean {
  const state = sqlState(error);
  return state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
}

// Exponential backoff with jitter, so transactions that collided once do not collide again in lockstep.
function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Runs `work` in one database transaction: commits when it resolves, rolls back when it throws. A serialization
 * failure or deadlock (raised by any statement or by COMMIT) reruns the whole of `work` in a new transaction, a
 * bounded number of times, so `work` must have no effects outside the transaction it is given. When the retries are
 * exhausted the last error is thrown.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const isolation = options.isolation ?? 'READ COMMITTED';
  const retries = options.retries ?? (isolation === 'READ COMMITTED' ? 0 : DEFAULT_RETRIES);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await dataSource.transaction(isolation, work);
    } catch (error) {
      if (attempt >= retries || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
