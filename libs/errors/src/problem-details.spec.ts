import fc from 'fast-check';
import { DomainError, ErrorCode, httpStatusFor, toProblemDetails } from './index';

describe('problem details', () => {
  it('maps a validation error with its field errors', () => {
    const problem = toProblemDetails(
      new DomainError(ErrorCode.InvalidAmount, 'amount must be a string of digits', {
        errors: [{ pointer: '/amount', detail: 'must be a string of digits' }],
      }),
      '/v1/payments',
    );
    expect(problem).toEqual({
      type: 'https://docs.kasho.dev/problems/invalid-amount',
      title: 'Invalid amount',
      status: 422,
      detail: 'amount must be a string of digits',
      code: 'invalid_amount',
      instance: '/v1/payments',
      errors: [{ pointer: '/amount', detail: 'must be a string of digits' }],
    });
  });

  it('never leaks an unexpected error message', () => {
    const problem = toProblemDetails(new Error('relation "users" does not exist at /srv/app.js:10'));
    expect(problem.code).toBe('internal_error');
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('relation');
  });

  it('lets a route answer a code with another 4xx status, across the RPC wire too', () => {
    const error = new DomainError(ErrorCode.InvalidCredentials, 'The current password is wrong.', {
      status: 422,
    });
    const received = DomainError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(toProblemDetails(received).status).toBe(422);
    expect(toProblemDetails(new DomainError(ErrorCode.InvalidCredentials, 'no')).status).toBe(401);
    expect(() => new DomainError(ErrorCode.InvalidCredentials, 'no', { status: 500 })).toThrow(RangeError);
    expect(
      DomainError.fromJSON({ code: 'invalid_credentials', detail: 'x', status: 503 }).status,
    ).toBeUndefined();
  });

  it('gives every code a 4xx or 5xx status', () => {
    for (const code of Object.values(ErrorCode)) {
      const status = httpStatusFor(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('survives the RPC wire unchanged', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(ErrorCode)),
        fc.string(),
        fc.boolean(),
        (code, detail, retryable) => {
          const original = new DomainError(code, detail, { retryable });
          const copy = DomainError.fromJSON(JSON.parse(JSON.stringify(original)));
          expect(copy.toJSON()).toEqual(original.toJSON());
        },
      ),
    );
  });

  it('degrades an unknown code from a newer peer to internal_error', () => {
    expect(DomainError.fromJSON({ code: 'brand_new_code', detail: 'x' }).code).toBe(ErrorCode.InternalError);
  });
});
