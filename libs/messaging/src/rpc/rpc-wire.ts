import { DomainError, ErrorCode, type SerializedError } from '@kasho/errors';

/** The body of an RPC reply: a result, or a DomainError in its stable wire form. */
export type RpcReply = { ok: true; result: unknown } | { ok: false; error: SerializedError };

export const JSON_CONTENT_TYPE = 'application/json';
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * An RPC request's AMQP `correlation-id` property carries the call id the reply is matched on, the unit of work's
 * correlation id and, when the trace context is a lone W3C `traceparent`, that too: `<call id> <correlation id>
 * [<traceparent>]`. The broker handles a basic property far more cheaply than a headers table (measured with
 * `npm run bench:rpc`; so do both ends: no table to encode or parse), and the reply echoes the property unchanged.
 * A correlation id that is long or not plain printable ASCII without spaces travels in the headers instead, and so
 * does a trace context with more than a traceparent (tracestate, baggage). The property is a short string: at most
 * 255 bytes.
 */
const MAX_PACKED_CORRELATION_LENGTH = 150;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const PACKABLE_CORRELATION = /^[\x21-\x7e]+$/;

export function packCallId(callId: string, correlationId: string, traceparent?: string): string | undefined {
  if (correlationId.length > MAX_PACKED_CORRELATION_LENGTH || !PACKABLE_CORRELATION.test(correlationId)) {
    return undefined;
  }
  return traceparent !== undefined && TRACEPARENT.test(traceparent)
    ? `${callId} ${correlationId} ${traceparent}`
    : `${callId} ${correlationId}`;
}

/** Whether `packCallId` will carry this trace context in the property (so no headers table is needed for it). */
export function isPackableTraceparent(traceparent: unknown): traceparent is string {
  return typeof traceparent === 'string' && TRACEPARENT.test(traceparent);
}

/** What `packCallId` packed into a request's `correlation-id` property. */
export function unpackCallId(property: string | undefined): { correlationId?: string; traceparent?: string } {
  if (property === undefined) return {};
  const [, correlationId, traceparent, extra] = property.split(' ');
  if (!correlationId || extra !== undefined) return {};
  return traceparent !== undefined && TRACEPARENT.test(traceparent)
    ? { correlationId, traceparent }
    : traceparent === undefined
      ? { correlationId }
      : {};
}

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value) ?? 'null');
}

/**
 * What the caller sees of a handler's failure: a DomainError crosses unchanged; anything else is an internal_error
 * whose message stays on the server (it may name tables, hosts or customers).
 */
export function replyForError(error: unknown): RpcReply {
  const domain =
    error instanceof DomainError
      ? error
      : new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.');
  return { ok: false, error: domain.toJSON() };
}

/** Decodes a reply; a body that is not one (a newer or broken peer) becomes an internal_error, never a crash. */
export function decodeReply(content: Buffer): { result: unknown } | { error: DomainError } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch {
    return { error: new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.') };
  }
  if (typeof parsed === 'object' && parsed !== null && 'ok' in parsed) {
    const reply = parsed as { ok: unknown; result?: unknown; error?: unknown };
    if (reply.ok === true) return { result: reply.result };
    if (reply.ok === false) return { error: DomainError.fromJSON(reply.error) };
  }
  return { error: new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.') };
}
