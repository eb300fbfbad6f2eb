import { DomainError, ErrorCode } from '@kasho/errors';
import { decodeReply, encodeJson, packCallId, replyForError, unpackCorrelationId } from './rpc-wire';

function roundTrip(error: unknown): DomainError {
  const decoded = decodeReply(encodeJson(replyForError(error)));
  if (!('error' in decoded)) throw new Error('expected an error reply');
  return decoded.error;
}

describe('RPC wire format', () => {
  it('packs the correlation id beside the call id, and only when it fits', () => {
    const packed = packCallId('k3x.1a', 'req-42 from gateway');
    expect(packed).toBe('k3x.1a req-42 from gateway');
    expect(unpackCorrelationId(packed)).toBe('req-42 from gateway');
    expect(packCallId('k3x.1a', 'x'.repeat(201))).toBeUndefined();
    expect(packCallId('k3x.1a', 'café')).toBeUndefined();
    expect(packCallId('k3x.1a', ' leading space')).toBeUndefined();
    expect(unpackCorrelationId('k3x.1a')).toBeUndefined();
    expect(unpackCorrelationId('k3x.1a ')).toBeUndefined();
    expect(unpackCorrelationId(undefined)).toBeUndefined();
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
