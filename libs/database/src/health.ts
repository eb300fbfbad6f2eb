import { type DataSource } from 'typeorm';

/**
 * Readiness: true when the database answers `SELECT 1` within `timeoutMs`. Never throws and never waits longer,
 * so a stalled database turns the readiness probe red instead of hanging it.
 */
export async function checkDatabase(dataSource: DataSource, timeoutMs = 1000): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = dataSource.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
