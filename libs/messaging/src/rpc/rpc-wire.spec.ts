import { DomainError, ErrorCode } from '@kasho/errors';
import {
  decodeReply,
  encodeJson,
  isPackableTraceparent,
  packCallId,
  replyForError,
  unpackCallId,
} from './rpc-wire';

function roundTrip(error: unknown): DomainError {
  const decoded = decodeReply(encodeJson(replyForError(error)));
  if (!('error' in decoded)) throw new Error('expected an error reply');
  return decoded.error;
}

describe('RPC wire format', () => {
  it('packs the correlation id beside the call id, and only when it fits', () => {
    const packed = packCallId('k3x.1a', 'req-42');
    expect(packed).toBe('k3x.1a req-42');
    expect(unpackCallId(packed)).toEqual({ correlationId: 'req-42' });
    expect(packCallId('k3x.1a', 'x'.repeat(151))).toBeUndefined();
    expect(packCallId('k3x.1a', 'café')).toBeUndefined();
    expect(packCallId('k3x.1a', 'req-42 from gateway')).toBeUndefined();
    expect(unpackCallId('k3x.1a')).toEqual({});
    expect(unpackCallId('k3x.1a ')).toEqual({});
    expect(unpackCallId(undefined)).toEqual({});
  });

  it('packs a lone W3C traceparent as a third field, within the 255 bytes of the property', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const correlationId = 'c'.repeat(150);
    const packed = packCallId('k3x.1a', correlationId, traceparent)!;
    expect(unpackCallId(packed)).toEqual({ correlationId, traceparent });
    expect(Buffer.byteLength(packed)).toBeLessThanOrEqual(255);
    expect(isPackableTraceparent(traceparent)).toBe(true);
    // Not a traceparent: left out of the property (it travels in the headers), never half-parsed.
    expect(isPackableTraceparent('00-xyz')).toBe(false);
    expect(packCallId('k3x.1a', 'req-42', '00-xyz')).toBe('k3x.1a req-42');
    expect(unpackCallId('k3x.1a req-42 00-xyz')).toEqual({});
    expect(unpackCallId(`k3x.1a req-42 ${traceparent} more`)).toEqual({});
  });

  it('carries a DomainError across with the same code, detail, field errors and retryability', () => {
    const original = new DomainError(ErrorCode.ValidationFailed, 'amount is invalid', {
      errors: [{ pointer: '/amount', detail: 'must be positive' }],
      retryable: true,
    });
    const copy = roundTrip(original);
    expect(copy).toBeInstanceOf(DomainError);
    expect(copy.toJSON()).toEqual(original.toJSON());
  });

  it('turns an unexpected error into internal_error without its message', () => {
    const copy = roundTrip(new Error('connection to db-primary.internal:5432 refused'));
    expect(copy.code).toBe(ErrorCode.InternalError);
    expect(JSON.stringify(copy.toJSON())).not.toContain('db-primary');
  });

  it('carries results, including undefined ones', () => {
    expect(decodeReply(encodeJson({ ok: true, result: { balance: '100' } }))).toEqual({
      result: { balance: '100' },
    });
    expect(decodeReply(encodeJson({ ok: true }))).toEqual({ result: undefined });
  });

  it('degrades a garbled reply to internal_error', () => {
    for (const body of ['not json', '{"something":"else"}', 'null']) {
      const decoded = decodeReply(Buffer.from(body));
      expect('error' in decoded && decoded.error.code).toBe(ErrorCode.InternalError);
    }
  });
});
