import { withTransaction } from '@kasho/database';
import { AuditLog, verifyAuditChain } from '../src';
import { type AuditTestDatabase, openAuditTestDatabase } from './support/audit-test-database';

describe('concurrent appends', () => {
  let db: AuditTestDatabase;
  const audit = new AuditLog();

  beforeAll(async () => {
    db = await openAuditTestDatabase('audit-concurrency', 20);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('keep one gap-free chain: 50 transactions at once, every fifth rolled back after appending', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        withTransaction(db.dataSource, async (manager) => {
          // The recorded change itself, so the appends interleave with other work.
          await manager.query('SELECT pg_sleep(0.001 * $1)', [index % 5]);
          const record = await audit.append(manager, {
            actorType: 'user',
            actorId: `u-${index}`,
            action: 'auth.login.succeeded',
            outcome: 'success',
            details: { index },
          });
          if (index % 5 === 4) throw new Error(`rolled back ${index}`);
          return record;
        }),
      ),
    );
    const committed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rolledBack = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(committed).toHaveLength(40);
    expect(rolledBack).toHaveLength(10);
    for (const outcome of rolledBack) expect(String(outcome.reason)).toMatch(/rolled back/);

    const rows = await db.dataSource.query<Array<{ sequence: string; index: number }>>(
      `SELECT sequence, (details->>'index')::int AS index FROM audit_log ORDER BY sequence`,
    );
    expect(rows.map((row) => row.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => String(i + 1)));
    expect(rows.map((row) => row.index % 5).filter((remainder) => remainder === 4)).toEqual([]);
    expect(new Set(rows.map((row) => row.index)).size).toBe(40);
    expect(await verifyAuditChain(db.dataSource, { batchSize: 7 })).toMatchObject({ ok: true, entries: 40 });
  });
});
