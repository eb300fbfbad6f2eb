import { type EntityManager } from 'typeorm';
import { withTransaction } from '@kasho/database';
import {
  AUDIT_GENESIS_HASH,
  AuditChainContentionError,
  AuditLog,
  type AuditEntryInput,
  auditEntryHash,
  verifyAuditChain,
} from '../src';
import { type AuditTestDatabase, openAuditTestDatabase } from './support/audit-test-database';

const login: AuditEntryInput = {
  actorType: 'user',
  actorId: 'u-1',
  action: 'auth.login.succeeded',
  subjectType: 'session',
  subjectId: 's-1',
  outcome: 'success',
  ip: '2001:DB8:0:0:0:0:0:1',
  requestId: 'req-1',
  correlationId: 'corr-1',
  details: { zeta: 1, alpha: { b: 2, a: 1 }, method: 'password', mfa: true },
};

describe('AuditLog.append', () => {
  let db: AuditTestDatabase;
  const audit = new AuditLog();

  beforeAll(async () => {
    db = await openAuditTestDatabase('audit-append');
  });

  afterAll(async () => {
    await db?.close();
  });

  async function count(): Promise<number> {
    const [row] = await db.dataSource.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM audit_log');
    return row.n;
  }

  it('writes linked entries that verify, starting at 1 from the genesis hash', async () => {
    const first = await withTransaction(db.dataSource, (manager) => audit.append(manager, login));
    const second = await withTransaction(db.dataSource, (manager) =>
      audit.append(manager, { actorType: 'system', action: 'auth.session.revoked', outcome: 'success' }),
    );
    expect(first.sequence).toBe('1');
    expect(first.prevHash.equals(AUDIT_GENESIS_HASH)).toBe(true);
    expect(second.sequence).toBe('2');
    expect(second.prevHash.equals(first.hash)).toBe(true);
    expect(first.ip).toBe('2001:db8::1');
    expect(await verifyAuditChain(db.dataSource)).toEqual({
      ok: true,
      entries: 2,
      head: { sequence: '2', hash: second.hash.toString('hex') },
    });
  });

  it("stores details and ip in PostgreSQL's own form (jsonb key order, address text), which the hash ignores", async () => {
    const [row] = await db.dataSource.query<Array<Record<string, unknown>>>(
      'SELECT details::text AS details_text, host(ip) AS ip, occurred_at FROM audit_log WHERE sequence = 1',
    );
    // jsonb keeps keys by length then bytes, not as written: the canonical form must not care.
    expect(row.details_text).toBe(
      '{"mfa": true, "zeta": 1, "alpha": {"a": 1, "b": 2}, "method": "password"}',
    );
    expect(row.ip).toBe('2001:db8::1');
  });

  it('commits and rolls back with the change it records', async () => {
    const before = await count();
    await expect(
      withTransaction(db.dataSource, async (manager) => {
        await audit.append(manager, { ...login, action: 'auth.password.changed' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await count()).toBe(before);
    const next = await withTransaction(db.dataSource, (manager) => audit.append(manager, login));
    expect(next.sequence).toBe(String(before + 1));
    expect((await verifyAuditChain(db.dataSource)).ok).toBe(true);
  });

  it('returns the record exactly as stored', async () => {
    const record = await withTransaction(db.dataSource, (manager) =>
      audit.append(manager, { ...login, occurredAt: new Date('2025-01-02T03:04:05.678Z') }),
    );
    const [row] = await db.dataSource.query<Array<{ occurred_at: Date; hash: Buffer; details: unknown }>>(
      'SELECT occurred_at, hash, details FROM audit_log WHERE id = $1',
      [record.id],
    );
    expect(row.occurred_at.toISOString()).toBe('2025-01-02T03:04:05.678Z');
    expect(row.hash.equals(record.hash)).toBe(true);
    expect(row.details).toEqual(login.details);
    expect(auditEntryHash(record).equals(record.hash)).toBe(true);
  });

  it('refuses to run outside a transaction', async () => {
    await expect(audit.append(db.dataSource.manager, login)).rejects.toThrow(/inside the transaction/);
  });

  describe('is append-only in the database', () => {
    it.each([
      ['UPDATE', "UPDATE audit_log SET action = 'auth.login.failed' WHERE sequence = 1"],
      ['DELETE', 'DELETE FROM audit_log WHERE sequence = 1'],
      ['TRUNCATE', 'TRUNCATE audit_log'],
      ['an UPDATE that matches no row', 'UPDATE audit_log SET action = action WHERE false'],
    ])('rejects %s', async (_what, sql) => {
      const before = await count();
      await expect(db.dataSource.query(sql)).rejects.toThrow(/audit_log is append-only/);
      expect(await count()).toBe(before);
      expect((await verifyAuditChain(db.dataSource)).ok).toBe(true);
    });
  });

  it('under REPEATABLE READ, a snapshot older than the last append fails retryably and succeeds when rerun', async () => {
    const stale = db.dataSource.createQueryRunner();
    await stale.connect();
    try {
      await stale.startTransaction('REPEATABLE READ');
      await stale.query('SELECT 1'); // takes the snapshot
      await withTransaction(db.dataSource, (manager) => audit.append(manager, login));
      const error = await audit.append(stale.manager, login).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuditChainContentionError);
      expect((error as AuditChainContentionError).code).toBe('40001');
      await stale.rollbackTransaction();
    } finally {
      await stale.release();
    }

    let attempts = 0;
    const appended = await withTransaction(
      db.dataSource,
      async (manager: EntityManager) => {
        attempts += 1;
        await manager.query('SELECT 1');
        // Another service replica appends after this transaction's snapshot, the first time only.
        if (attempts === 1) await withTransaction(db.dataSource, (other) => audit.append(other, login));
        return audit.append(manager, login);
      },
      { isolation: 'REPEATABLE READ' },
    );
    expect(attempts).toBe(2);
    expect(appended.sequence).toBe(String(await count()));
    expect((await verifyAuditChain(db.dataSource)).ok).toBe(true);
  });
});
