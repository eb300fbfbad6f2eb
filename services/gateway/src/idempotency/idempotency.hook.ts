import { BODY_LIMIT_BYTES } from '@kasho/platform';
import { type Logger } from '@nestjs/common';
import { type ClaimedRequest, IDEMPOTENCY_STATE, type IdempotentRequest } from './idempotency.state';
import { type CompletedRecord, type IdempotencyStore } from './idempotency.store';

/** The answer headers a replay repeats; the others (request id, rate limits, security headers) are the retry's own. */
const REPLAYED_HEADERS = ['content-type', 'location'] as const;

export interface SendingReply {
  statusCode: number;
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  removeHeader(name: string): unknown;
}

export type OnSendHook = (
  request: IdempotentRequest,
  reply: SendingReply,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
) => void;

/**
 * The Fastify onSend hook, where the final answer of a keyed request is known (status, headers, the serialized
 * body, errors from the problem filter included): a replay gets the stored answer; a claimed request's answer is
 * stored before it leaves (so a retry that follows it sees the answer, not the claim), or its key is released.
 * When Redis fails here the answer still goes out; the claim then lapses with its lease.
 */
export function idempotencyOnSend(store: IdempotencyStore, logger: Logger): OnSendHook {
  // Callback style: every answer passes here, and most (no Idempotency-Key) should not pay for a promise.
  return (request, reply, payload, done) => {
    const state = request[IDEMPOTENCY_STATE];
    if (state === undefined) return done(null, payload);
    if (state.kind === 'replay') {
      const { record } = state;
      reply.code(record.status);
      for (const name of REPLAYED_HEADERS) {
        const value = record.headers[name];
        if (value === undefined) reply.removeHeader(name);
        else reply.header(name, value);
      }
      reply.header('idempotent-replayed', 'true');
      return done(null, record.body);
    }
    settle(store, state, reply, payload, logger).then(
      () => done(null, payload),
      (error: unknown) => {
        logger.warn(
          `idempotency record not settled (the key stays claimed until its lease ends): ${reasonOf(error)}`,
        );
        done(null, payload);
      },
    );
  };
}

async function settle(
  store: IdempotencyStore,
  claim: ClaimedRequest,
  reply: SendingReply,
  payload: unknown,
  logger: Logger,
): Promise<void> {
  if (claim.release) {
    await store.release(claim.recordKey, claim.owner);
    return;
  }
  const body = storableBody(payload);
  if (body === undefined) {
    // Not expected of a JSON API; releasing lets a retry run again rather than replay half an answer.
    logger.warn(`an answer of status ${reply.statusCode} is not storable for replay; its key is released`);
    await store.release(claim.recordKey, claim.owner);
    return;
  }
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (typeof value === 'string') headers[name] = value;
  }
  const record: CompletedRecord = {
    state: 'completed',
    fingerprint: claim.fingerprint,
    status: reply.statusCode,
    headers,
    body,
  };
  if (!(await store.complete(claim.recordKey, claim.owner, record)))
    logger.warn('an idempotency claim ran past its lease; the answer was not stored');
}

/** The serialized answer as text, within the same 1 MiB bound as request bodies; undefined for anything else. */
function storableBody(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return '';
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
  if (typeof text !== 'string' || Buffer.byteLength(text) > BODY_LIMIT_BYTES) return undefined;
  return text;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
