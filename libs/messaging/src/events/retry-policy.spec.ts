import type { ConsumeMessage } from 'amqplib';
import { DomainError, ErrorCode } from '@kasho/errors';
import {
  decideAfterFailure,
  FAILURE_HEADERS,
  forwardedProperties,
  previousFailedAttempts,
} from './retry-policy';

function message(
  headers: Record<string, unknown>,
  routingKey = 'payment.failed.v1',
  exchange = 'kasho.events',
) {
  return {
    content: Buffer.from('{}'),
    fields: { deliveryTag: 1, redelivered: false, exchange, routingKey, consumerTag: 'c' },
    properties: { headers, messageId: 'm-1', type: 'payment.failed.v1', contentType: 'application/json' },
  } as unknown as ConsumeMessage;
}

describe('retry policy', () => {
  it('retries with each delay in turn, then parks', () => {
    const delays = [1000, 5000, 30000];
    expect(decideAfterFailure(1, delays)).toEqual({ action: 'retry', delayMs: 1000, waitIndex: 0 });
    expect(decideAfterFailure(3, delays)).toEqual({ action: 'retry', delayMs: 30000, waitIndex: 2 });
    expect(decideAfterFailure(4, delays)).toEqual({ action: 'park' });
    expect(decideAfterFailure(1, [])).toEqual({ action: 'park' });
  });

  it('records the failure and keeps the original route across hops', () => {
    const first = forwardedProperties(
      message({ 'x-correlation-id': 'c-1' }),
      1,
      new DomainError(ErrorCode.Conflict, 'busy'),
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(first.headers).toMatchObject({
      'x-correlation-id': 'c-1',
      [FAILURE_HEADERS.attempts]: 1,
      [FAILURE_HEADERS.errorCode]: 'conflict',
      [FAILURE_HEADERS.errorMessage]: 'DomainError: busy',
      [FAILURE_HEADERS.originalExchange]: 'kasho.events',
      [FAILURE_HEADERS.originalRoutingKey]: 'payment.failed.v1',
      [FAILURE_HEADERS.firstFailedAt]: '2026-01-01T00:00:00.000Z',
    });
    expect(first).toMatchObject({ persistent: true, messageId: 'm-1', type: 'payment.failed.v1' });

    // Back from a wait queue the message arrives through the default exchange under the queue's name.
    const returned = message(
      { ...(first.headers as Record<string, unknown>), 'x-death': [{ count: 1 }] },
      'notification.mails',
      '',
    );
    expect(previousFailedAttempts(returned)).toBe(1);
    const second = forwardedProperties(returned, 2, new Error('smtp down'), new Date('2026-01-01T00:00:05Z'));
    expect(second.headers).toMatchObject({
      [FAILURE_HEADERS.attempts]: 2,
      [FAILURE_HEADERS.errorCode]: 'internal_error',
      [FAILURE_HEADERS.originalExchange]: 'kasho.events',
      [FAILURE_HEADERS.originalRoutingKey]: 'payment.failed.v1',
      [FAILURE_HEADERS.firstFailedAt]: '2026-01-01T00:00:00.000Z',
      [FAILURE_HEADERS.lastFailedAt]: '2026-01-01T00:00:05.000Z',
    });
    expect(second.headers).not.toHaveProperty('x-death');
  });
});
