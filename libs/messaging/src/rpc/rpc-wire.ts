import { DomainError, ErrorCode, type SerializedError } from '@kasho/errors';

/** The body of an RPC reply: a result, or a DomainError in its stable wire form. */
export type RpcReply = { ok: true; result: unknown } | { ok: false; error: SerializedError };

export const JSON_CONTENT_TYPE = 'application/json';
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * An RPC request's AMQP `correlation-id` property carries the call id the reply is matched on and the unit of
 * work's correlation id, as `<call id> <correlation id>`. The broker handles a basic property far more cheaply
 * than a headers table (measured with `npm run bench:rpc`), and the reply echoes the property unchanged. A
 * correlation id too long for the property (a short string of at most 255 bytes) travels in the header instead.
 */
const MAX_PACKED_CORRELATION_LENGTH = 200;

export function packCallId(callId: string, correlationId: string): string | undefined {
  return correlationId.length <= MAX_PACKED_CORRELATION_LENGTH && isPrintableAscii(correlationId)
    ? `${callId} ${correlationId}`
    : undefined;
}

/** The correlation id packed into a request's `correlation-id` property, if any. */
export function unpackCorrelationId(property: string | undefined): string | undefined {
  if (property === undefined) return undefined;
  const space = property.indexOf(' ');
  return space > 0 && space < property.length - 1 ? property.slice(space + 1) : undefined;
}

function isPrintableAscii(value: string): boolean {
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(value);
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
