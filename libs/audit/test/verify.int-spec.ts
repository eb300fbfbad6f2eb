import { createDataSource, withTransaction } from '@kasho/database';
import {
  AUDIT_ENTITIES,
  AUDIT_MIGRATIONS,
  AuditLog,
  type AuditVerifyCliOutput,
  auditEntryHash,
  runAuditVerifyCli,
  verifyAuditChain,
} from '../src';
import { type AuditTestDatabase, openAuditTestDatabase, tamper } from './support/audit-test-database';

const ENTRIES = 12;

describe('verifyAuditChain', () => {
  let db: AuditTestDatabase;
  const audit = new AuditLog();

  beforeAll(async () => {
    db = await openAuditTestDatabase('audit-verify');
  });

  afterAll(async () => {
    await db?.close();
  });

  // Each test starts from a fresh chain of ENTRIES entries; only a tamperer can empty the table.
  beforeEach(async () => {
    await tamper(db.dataSource, 'TRUNCATE audit_log');
    for (let index = 0; index < ENTRIES; index += 1) {
      await withTransaction(db.dataSource, (manager) =>
        audit.append(manager, {
          actorType: index % 2 === 0 ? 'user' : 'staff',
          actorId: `a-${index}`,
          action: 'ledger.admin_transfer.posted',
          subjectType: 'transfer',
          subjectId: `t-${index}`,
          outcome: 'success',
          ip: '198.51.100.7',
          details: { amountMinor: 1000 + index, currency: 'EUR' },
        }),
      );
    }
  });

  function cli(argv: string[] = []) {
    const lines = { out: [] as string[], err: [] as string[] };
    const output: AuditVerifyCliOutput = {
      out: (line) => lines.out.push(line),
      err: (line) => lines.err.push(line),
    };
    const build = () =>
      createDataSource({
        url: db.database.url,
        entities: [...AUDIT_ENTITIES],
        migrations: [...AUDIT_MIGRATIONS],
      });
    return runAuditVerifyCli(build, argv, output).then((status) => ({ status, ...lines }));
  }

  it.each([1, 5, 12, 1000])('accepts an intact chain, whatever the batch size (%i)', async (batchSize) => {
    expect(await verifyAuditChain(db.dataSource, { batchSize })).toMatchObject({
      ok: true,
      entries: ENTRIES,
      head: { sequence: String(ENTRIES) },
    });
  });

  it('accepts an empty log', async () => {
    await tamper(db.dataSource, 'TRUNCATE audit_log');
    expect(await verifyAuditChain(db.dataSource)).toEqual({ ok: true, entries: 0 });
  });

  it('works on a transaction manager too', async () => {
    const result = await withTransaction(db.dataSource, (manager) =>
      verifyAuditChain(manager, { batchSize: 4 }),
    );
    expect(result).toMatchObject({ ok: true, entries: ENTRIES });
  });

  it.each([
    ['details', `UPDATE audit_log SET details = '{"amountMinor": 1, "currency": "EUR"}' WHERE sequence = 7`],
    ['the actor', "UPDATE audit_log SET actor_id = 'someone-else' WHERE sequence = 7"],
    ['the time', "UPDATE audit_log SET occurred_at = occurred_at - interval '1 day' WHERE sequence = 7"],
    ['the ip', "UPDATE audit_log SET ip = '198.51.100.8' WHERE sequence = 7"],
    ['the outcome', "UPDATE audit_log SET outcome = 'failure' WHERE sequence = 7"],
  ])('finds an entry whose %s was altered, at exactly that sequence', async (_what, sql) => {
    await tamper(db.dataSource, sql);
    expect(await verifyAuditChain(db.dataSource, { batchSize: 5 })).toMatchObject({
      ok: false,
      brokenAt: '7',
      reason: 'hash-mismatch',
      entries: 6,
    });
  });

  it('finds an altered entry whose hash was recomputed too: the next entry no longer links to it', async () => {
    await tamper(db.dataSource, "UPDATE audit_log SET actor_id = 'someone-else' WHERE sequence = 7");
    const [row] = await db.dataSource.query<Parameters<typeof auditEntryHash>[0][]>(
      `SELECT sequence, id, occurred_at AS "occurredAt", actor_type AS "actorType", actor_id AS "actorId", action,
              subject_type AS "subjectType", subject_id AS "subjectId", outcome, host(ip) AS ip,
              request_id AS "requestId", correlation_id AS "correlationId", details, prev_hash AS "prevHash"
         FROM audit_log WHERE sequence = 7`,
    );
    await tamper(db.dataSource, 'UPDATE audit_log SET hash = $1 WHERE sequence = 7', [auditEntryHash(row)]);
    expect(await verifyAuditChain(db.dataSource)).toMatchObject({
      ok: false,
      brokenAt: '8',
      reason: 'prev-hash-mismatch',
    });
  });

  it('finds a deleted middle entry as a gap at its sequence', async () => {
    await tamper(db.dataSource, 'DELETE FROM audit_log WHERE sequence = 5');
    expect(await verifyAuditChain(db.dataSource, { batchSize: 4 })).toMatchObject({
      ok: false,
      brokenAt: '5',
      reason: 'sequence-gap',
      entries: 4,
    });
  });

  it('finds a deleted first entry', async () => {
    await tamper(db.dataSource, 'DELETE FROM audit_log WHERE sequence = 1');
    expect(await verifyAuditChain(db.dataSource)).toMatchObject({
      ok: false,
      brokenAt: '1',
      reason: 'sequence-gap',
    });
  });

  it('finds a deletion renumbered to hide the gap', async () => {
    await tamper(db.dataSource, 'DELETE FROM audit_log WHERE sequence = 5');
    await tamper(db.dataSource, 'UPDATE audit_log SET sequence = sequence - 1 WHERE sequence > 5');
    expect(await verifyAuditChain(db.dataSource)).toMatchObject({
      ok: false,
      brokenAt: '5',
      reason: 'prev-hash-mismatch',
    });
  });

  it('refuses a batch size that is not a positive integer', async () => {
    await expect(verifyAuditChain(db.dataSource, { batchSize: 0 })).rejects.toThrow(RangeError);
  });

  describe('runAuditVerifyCli', () => {
    it('prints the head and exits 0 on an intact chain', async () => {
      const result = await cli(['--batch-size', '5']);
      expect(result.status).toBe(0);
      expect(result.out).toEqual([
        expect.stringMatching(/^audit chain intact: 12 entries, head 12 [0-9a-f]{64}$/),
      ]);
    });

    it('names the first broken link and exits 1', async () => {
      await tamper(db.dataSource, "UPDATE audit_log SET subject_id = 't-x' WHERE sequence = 3");
      const result = await cli();
      expect(result.status).toBe(1);
      expect(result.err[0]).toBe(
        'audit chain BROKEN at sequence 3 (hash-mismatch): entry 3 does not match its hash: its content was altered',
      );
    });

    it('exits 2 on bad usage and 1 when the database cannot be reached', async () => {
      expect((await cli(['--batch-size', 'many'])).status).toBe(2);
      const unreachable = await runAuditVerifyCli(
        () =>
          createDataSource({
            url: 'postgres://postgres@127.0.0.1:1/none',
            entities: [...AUDIT_ENTITIES],
            migrations: [],
            connectTimeoutMs: 500,
          }),
        [],
        { out: () => undefined, err: () => undefined },
      );
      expect(unreachable).toBe(1);
    });
  });
});
