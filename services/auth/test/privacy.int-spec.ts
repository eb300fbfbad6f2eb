import {
  accountEvents,
  type CustomerErasedPayload,
  EVENT_CONSUMERS,
  identityRpc,
  privacyExportRpc,
  type TokenPair,
} from '@kasho/contracts';
import { createEventEnvelope, Messaging } from '@kasho/messaging';
import { uniqueEmail } from '@kasho/testing';
import { decodeJwt } from 'jose';
import { startIdentityHarness, type IdentityHarness } from './identity-helpers';

// Identity's part of the privacy contract against real PostgreSQL, Redis and RabbitMQ: the export of a user's
// account, sessions and sign-in history, and erasure on the account service's event (sessions revoked in the
// database and on the gateway's revocation list, the identity pseudonymised), idempotent on redelivery.

let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentityHarness('privacy');
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function registered(): Promise<{ userId: string; email: string; sessionId: string }> {
  const email = uniqueEmail('privacy');
  const password = 'a long passphrase for privacy';
  const { userId } = await h.call(identityRpc.register, {
    email,
    password,
    fullName: 'Pia Private',
    client: { ip: '198.51.100.7', userAgent: 'jest' },
  });
  const tokens = (await h.call(identityRpc.login, {
    email,
    password,
    client: { ip: '198.51.100.7', userAgent: 'jest' },
  })) as TokenPair;
  return { userId, email, sessionId: String(decodeJwt(tokens.accessToken).sid) };
}

it('declares exactly the event consumers the contracts list (tests delete their queues from that list)', () => {
  const consumers = h.auth.app.get(Messaging).consumers.all.map((consumer) => consumer.name);
  expect(consumers.sort()).toEqual([...(EVENT_CONSUMERS.auth ?? [])].sort());
});

it('exports the identity, its sessions and sign-in history', async () => {
  const { userId, email, sessionId } = await registered();
  const section = await h.call(privacyExportRpc('auth'), { userId });
  expect(section.service).toBe('auth');
  expect(section.data).toMatchObject({
    user: { id: userId, email, fullName: 'Pia Private', roles: ['customer'] },
    sessions: [
      expect.objectContaining({ id: sessionId, ip: '198.51.100.7', userAgent: 'jest', revokedAt: null }),
    ],
  });
  expect((section.data.signInHistory as unknown[]).length).toBeGreaterThanOrEqual(1);
});

it('erases on account.customer.erased.v1: sessions revoked at once, identity pseudonymised, once', async () => {
  const { userId, email, sessionId } = await registered();
  const envelope = createEventEnvelope<CustomerErasedPayload>('account', accountEvents.customerErased, {
    customerId: userId,
    erasedAt: new Date().toISOString(),
  });
  const publisher = h.auth.app.get(Messaging).publisher;
  await publisher.publish(envelope);
  await publisher.publish(envelope);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [row] = await h.dataSource.query<Array<{ email: string }>>(
      'SELECT "email" FROM "users" WHERE "id" = $1',
      [userId],
    );
    if (row.email !== email) break;
    if (Date.now() > deadline) throw new Error('the erasure event was not handled');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [user] = await h.dataSource.query<Array<{ email: string; full_name: string; password_hash: string }>>(
    'SELECT "email", "full_name", "password_hash" FROM "users" WHERE "id" = $1',
    [userId],
  );
  expect(user).toEqual({ email: `erased+${userId}@erased.invalid`, full_name: '', password_hash: '!erased' });
  const [session] = await h.dataSource.query<Array<{ revoked_at: Date | null; ip: string | null }>>(
    'SELECT "revoked_at", "ip" FROM "sessions" WHERE "id" = $1',
    [sessionId],
  );
  expect(session.revoked_at).not.toBeNull();
  expect(session.ip).toBeNull();
  expect(await h.revocations.exists(sessionId)).toBe(1);
  const exported = await h.call(privacyExportRpc('auth'), { userId });
  expect(JSON.stringify(exported)).not.toContain(email);
  expect(JSON.stringify(exported)).not.toContain('Pia Private');
  // Audited once, though delivered twice (the inbox drops the copy).
  await new Promise((resolve) => setTimeout(resolve, 300));
  const audit = await h.dataSource.query<unknown[]>(
    `SELECT 1 FROM "audit_log" WHERE "action" = 'auth.user.erased' AND "subject_id" = $1`,
    [userId],
  );
  expect(audit).toHaveLength(1);
});
