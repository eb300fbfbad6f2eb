import { QueryFailedError } from 'typeorm';
import { isRetryableTransactionError } from './transaction';

describe('isRetryableTransactionError', () => {
  it('recognises serialization failures and deadlocks, also wrapped by TypeORM', () => {
    expect(isRetryableTransactionError({ code: '40001' })).toBe(true);
    expect(isRetryableTransactionError({ code: '40P01' })).toBe(true);
    expect(
      isRetryableTransactionError(
        new QueryFailedError('COMMIT', [], Object.assign(new Error('x'), { code: '40001' })),
      ),
    ).toBe(true);
  });

  it('leaves everything else alone', () => {
    expect(isRetryableTransactionError({ code: '23505' })).toBe(false);
    expect(isRetryableTransactionError(new Error('boom'))).toBe(false);
    expect(isRetryableTransactionError(undefined)).toBe(false);
  });
});
