import type { ConsumeMessage, Options } from 'amqplib';
import { DomainError, ErrorCode } from '@kasho/errors';
import { headerNumber, headerString, type AmqpHeaders } from '../common/message-headers';

/** Headers the retry path and the parking lot add; ops read them to see why a message was parked. */
export const FAILURE_HEADERS = {
  attempts: 'x-kasho-attempts',
  errorCode: 'x-kasho-error-code',
  errorMessage: 'x-kasho-error-message',
  originalExchange: 'x-kasho-original-exchange',
  originalRoutingKey: 'x-kasho-original-routing-key',
  firstFailedAt: 'x-kasho-first-failed-at',
  lastFailedAt: 'x-kasho-last-failed-at',
  consumer: 'x-kasho-consumer',
  parkedReason: 'x-kasho-parked-reason',
  parkedAt: 'x-kasho-parked-at',
} as const;

export type ParkReason = 'retries_exhausted' | 'malformed' | 'no_handler';

export type FailureDecision = { action: 'retry'; delayMs: number; waitIndex: number } | { action: 'park' };

/** After the n-th failed attempt: wait the n-th delay and try again, or park once the delays are used up. */
export function decideAfterFailure(failedAttempts: number, delaysMs: readonly number[]): FailureDecision {
  if (failedAttempts >= 1 && failedAttempts <= delaysMs.length) {
    return { action: 'retry', delayMs: delaysMs[failedAttempts - 1], waitIndex: failedAttempts - 1 };
  }
  return { action: 'park' };
}

/** Failed attempts before this delivery, as counted by the retry path. */
export function previousFailedAttempts(message: ConsumeMessage): number {
  return headerNumber(message.properties.headers, FAILURE_HEADERS.attempts) ?? 0;
}

const MAX_ERROR_MESSAGE = 1_000;

/** The stable code and a bounded message of a failure; parking-lot headers are for operators, never for clients. */
export function describeFailure(error: unknown): { code: string; message: string } {
  const code = error instanceof DomainError ? error.code : ErrorCode.InternalError;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code, message: text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE)}…` : text };
}

// Broker-maintained headers describe the previous hop; our own headers carry the history instead.
const DROPPED_HEADERS = new Set([
  'x-death',
  'x-delivery-count',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
]);

/** The properties of a copy of `message` for the retry or parking-lot queue, with the failure recorded. */
export function forwardedProperties(
  message: ConsumeMessage,
  failedAttempts: number,
  error: unknown,
  now: Date,
  extra: AmqpHeaders = {},
): Options.Publish {
  const original = message.properties.headers ?? {};
  const headers: AmqpHeaders = {};
  for (const [name, value] of Object.entries(original)) if (!DROPPED_HEADERS.has(name)) headers[name] = value;
  const failure = describeFailure(error);
  const nowIso = now.toISOString();
  Object.assign(headers, {
    [FAILURE_HEADERS.attempts]: failedAttempts,
    [FAILURE_HEADERS.errorCode]: failure.code,
    [FAILURE_HEADERS.errorMessage]: failure.message,
    [FAILURE_HEADERS.originalExchange]:
      headerString(original, FAILURE_HEADERS.originalExchange) ?? message.fields.exchange,
    [FAILURE_HEADERS.originalRoutingKey]:
      headerString(original, FAILURE_HEADERS.originalRoutingKey) ?? message.fields.routingKey,
    [FAILURE_HEADERS.firstFailedAt]: headerString(original, FAILURE_HEADERS.firstFailedAt) ?? nowIso,
    [FAILURE_HEADERS.lastFailedAt]: nowIso,
    ...extra,
  });
  const { properties } = message;
  return {
    persistent: true,
    headers,
    messageId: properties.messageId as string | undefined,
    type: properties.type as string | undefined,
    contentType: properties.contentType as string | undefined,
    appId: properties.appId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    correlationId: properties.correlationId as string | undefined,
  };
}
