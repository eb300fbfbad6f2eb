import { DomainError, ErrorCode } from '@kasho/errors';

/** The one error callers see when the broker cannot be reached in time: retryable, no internals in the detail. */
export function brokerUnavailable(
  detail = 'The message broker is unavailable.',
  cause?: unknown,
): DomainError {
  return new DomainError(ErrorCode.ServiceUnavailable, detail, { retryable: true, cause });
}
