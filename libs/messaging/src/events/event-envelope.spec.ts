import { defineEvent } from '@kasho/contracts';
import { runWithContext } from '@kasho/logging';
import { isUuid } from '@kasho/logging';
import { createEventEnvelope, parseEventEnvelope } from './event-envelope';

const TransferPosted = defineEvent<{ transferId: string }>('transaction.transfer.posted.v2');

describe('event envelope', () => {
  it('fills id, version, time, producer and the current correlation id', () => {
    const envelope = runWithContext({ correlationId: 'corr-1' }, () =>
      createEventEnvelope('transaction', TransferPosted, { transferId: 't1' }),
    );
    expect(isUuid(envelope.id)).toBe(true);
    expect(envelope).toMatchObject({
      type: 'transaction.transfer.posted.v2',
      version: 2,
      producer: 'transaction',
      correlationId: 'corr-1',
      payload: { transferId: 't1' },
    });
    expect(new Date(envelope.occurredAt).toISOString()).toBe(envelope.occurredAt);
  });

  it('takes the version from a plain type and refuses one without it', () => {
    expect(createEventEnvelope('payment', 'payment.failed.v3', {}).version).toBe(3);
    expect(() => createEventEnvelope('payment', 'payment.failed', {})).toThrow(/version/);
  });

  it('round-trips through the wire and rejects what is not an envelope', () => {
    const envelope = createEventEnvelope(
      'payment',
      'payment.failed.v1',
      { reason: 'x' },
      { causationId: 'c' },
    );
    expect(parseEventEnvelope(Buffer.from(JSON.stringify(envelope)))).toEqual(envelope);
    expect(() => parseEventEnvelope(Buffer.from('[]'))).toThrow();
    expect(() => parseEventEnvelope(Buffer.from(JSON.stringify({ ...envelope, id: 'nope' })))).toThrow(
      /UUID/,
    );
  });
});
