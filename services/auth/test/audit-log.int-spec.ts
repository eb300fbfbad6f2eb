import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '@kasho/audit';
import { loadConfig } from '@kasho/config';
import { type AuditLogEntryView, type AuditLogPage, identityRpc } from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Messaging, RpcClient } from '@kasho/messaging';
import { type RunningService, startService } from '@kasho/platform';
import { createKeySet, serializeKeySet } from '@kasho/security';
import { createTestDatabase, createTestNamespace, freePort, type TestDatabase } from '@kasho/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { authEnv } from '../src/config';
import { encodeAuditCursor } from '../src/audit-log/audit-log-cursor';

// `audit.list` over the real broker and database: newest first, pages behind stable opaque cursors, and the
// query refused (422 validation_failed with a pointer) when its limit or cursor is not one it accepts.

let directory: string;
let database: TestDatabase;
let auth: RunningService;
let rpc: RpcClient;
let dataSource: DataSource;
const auditLog = new AuditLog();

async function append(count: number, label: string): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await withTransaction(dataSource, (manager) =>
      auditLog.append(manager, {
        actorType: 'system',
        action: 'test.audit_log.appended',
        subjectType: 'test',
        subjectId: `${label}-${index}`,
        outcome: 'success',
        ip: '192.0.2.1',
        details: { index },
      }),
    );
  }
}

function page(limit: number, cursor?: string): Promise<AuditLogPage> {
  return rpc.call(identityRpc.auditLog, cursor === undefined ? { limit } : { limit, cursor });
}

async function readAll(limit: number): Promise<{ entries: AuditLogEntryView[]; cursors: string[] }> {
  const entries: AuditLogEntryView[] = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const result = await page(limit, cursor);
    entries.push(...result.data);
    if (result.nextCursor === null) return { entries, cursors };
    expect(result.data).toHaveLength(limit);
    cursors.push(result.nextCursor);
    cursor = result.nextCursor;
  }
}

async function refusal(query: unknown): Promise<DomainError> {
  const error = await rpc.call(identityRpc.auditLog, query as { limit: number }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'kasho-auth-audit-'));
  database = await createTestDatabase('auth_audit_log');
  const config = loadConfig(authEnv, {
    AMQP_NAMESPACE: createTestNamespace('auth-audit'),
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    AUTH_SIGNING_KEYS: serializeKeySet(await createKeySet()),
    AUTH_SIGNING_KEYS_FILE: path.join(directory, 'unused.json'),
    AUTH_DATA_KEY: randomBytes(32).toString('base64'),
  });
  auth = await startService({ service: 'auth', config, module: AppModule.forRoot(config) });
  rpc = auth.app.get(RpcClient);
  dataSource = auth.app.get(DataSource);
});

afterAll(async () => {
  if (auth) {
    const messaging = auth.app.get(Messaging);
    await auth.stop();
    await messaging.deleteTopology();
  }
  await database?.drop();
  await rm(directory, { recursive: true, force: true });
});

describe('audit.list', () => {
  it('answers an empty page with no cursor for an empty log', async () => {
    await expect(page(20)).resolves.toEqual({ data: [], nextCursor: null });
  });

  it('pages over more entries than the limit, newest first, each once, null cursor on the last page', async () => {
    await append(23, 'first');
    const [{ count }] = await dataSource.query<Array<{ count: string }>>('SELECT count(*) FROM "audit_log"');
    const { entries, cursors } = await readAll(10);
    expect(entries).toHaveLength(Number(count));
    expect(cursors).toHaveLength(Math.ceil(Number(count) / 10) - 1);
    const sequences = entries.map((entry) => BigInt(entry.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(entries.at(-1)?.sequence).toBe('1');

    const newest = entries[0];
    expect(newest).toMatchObject({
      actorType: 'system',
      actorId: null,
      action: 'test.audit_log.appended',
      subjectType: 'test',
      subjectId: 'first-22',
      outcome: 'success',
      ip: '192.0.2.1',
      details: { index: 22 },
    });
    expect(Number.isNaN(Date.parse(newest?.occurredAt ?? ''))).toBe(false);
    // Hashes as hex, and each entry links to the one before it.
    for (const [index, entry] of entries.entries()) {
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.prevHash).toMatch(/^[0-9a-f]{64}$/);
      const older = entries[index + 1];
      expect(entry.prevHash).toBe(older ? older.hash : '0'.repeat(64));
    }
  });

  it('keeps a cursor stable while entries are appended: the next page is the same', async () => {
    const first = await page(5);
    const cursor = first.nextCursor;
    if (cursor === null) throw new Error('expected a next page');
    const before = await page(5, cursor);
    await append(7, 'later');
    const after = await page(5, cursor);
    expect(after).toEqual(before);
    // The newest entries are the new ones, on a fresh first page.
    const fresh = await page(7);
    expect(fresh.data.map((entry) => entry.subjectId)).toEqual(
      Array.from({ length: 7 }, (_, index) => `later-${6 - index}`),
    );
  });

  it('answers a page of exactly the remaining entries with a null cursor', async () => {
    const oldest = await page(1, encodeAuditCursor('2'));
    expect(oldest.data.map((entry) => entry.sequence)).toEqual(['1']);
    expect(oldest.nextCursor).toBeNull();
    await expect(page(100, encodeAuditCursor('1'))).resolves.toEqual({ data: [], nextCursor: null });
  });

  it.each([0, -1, 101, 1.5, Number.NaN, '10', null, undefined])(
    'refuses limit %p at /limit',
    async (limit) => {
      const error = await refusal({ limit });
      expect(error.code).toBe(ErrorCode.ValidationFailed);
      expect(error.errors?.map((field) => field.pointer)).toEqual(['/limit']);
    },
  );

  it.each([
    ['not base64url', '!!!'],
    ['not a sequence', Buffer.from('abc').toString('base64url')],
    ['zero', encodeAuditCursor('0')],
    ['over-long', 'A'.repeat(200)],
    ['empty', ''],
    ['a number', 5],
  ])('refuses a cursor that is %s at /cursor', async (_name, cursor) => {
    const error = await refusal({ limit: 10, cursor });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.errors?.map((field) => field.pointer)).toEqual(['/cursor']);
  });
});
