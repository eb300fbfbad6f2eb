import { DomainError, ErrorCode } from '@kasho/errors';
import { type ArgumentsHost, Logger } from '@nestjs/common';
import { type HttpAdapterHost } from '@nestjs/core';
import { EXPECTED_5XX_LOG_INTERVAL_MS, ProblemDetailsFilter } from './problem-details.filter';

// How the filter logs server errors: an outage must not flood the log with stack traces, a bug must keep its stack.

function messagesOf(spy: jest.SpyInstance): string[] {
  return (spy.mock.calls as unknown[][]).map((call) => String(call[0]));
}

function hostFor(sent: { status?: number }): ArgumentsHost {
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header: () => reply,
    send: () => undefined,
  };
  return {
    switchToHttp: () => ({ getRequest: () => ({ url: '/v1/things' }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
}

describe('ProblemDetailsFilter logging', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  let filter: ProblemDetailsFilter;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    filter = new ProblemDetailsFilter({} as HttpAdapterHost);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const unavailable = () =>
    new DomainError(ErrorCode.ServiceUnavailable, 'Redis is down.', { retryable: true });

  it('logs a retryable 503 as one warning without a stack, once per code per interval', () => {
    const sent: { status?: number } = {};
    for (let i = 0; i < 5; i += 1) filter.catch(unavailable(), hostFor(sent));
    filter.catch(
      new DomainError(ErrorCode.UpstreamTimeout, 'No answer.', { retryable: true }),
      hostFor(sent),
    );
    expect(sent.status).toBe(504);
    expect(error).not.toHaveBeenCalled();
    expect(messagesOf(warn)).toEqual(['service_unavailable: Redis is down.', 'upstream_timeout: No answer.']);

    jest.advanceTimersByTime(EXPECTED_5XX_LOG_INTERVAL_MS);
    filter.catch(unavailable(), hostFor(sent));
    expect(warn).toHaveBeenLastCalledWith('service_unavailable: Redis is down. (4 more since the last)');
    expect(messagesOf(warn).at(-1)).not.toContain('    at ');
  });

  it('keeps an unexpected error at error level with its stack, every time', () => {
    const sent: { status?: number } = {};
    filter.catch(new Error('boom'), hostFor(sent));
    filter.catch(new Error('boom'), hostFor(sent));
    filter.catch(new DomainError(ErrorCode.InternalError, 'Unexpected.'), hostFor(sent));
    expect(sent.status).toBe(500);
    expect(error).toHaveBeenCalledTimes(3);
    expect(messagesOf(error)[0]).toMatch(/Error: boom\n\s+at /);
    expect(warn).not.toHaveBeenCalled();
  });

  it('does not log client errors', () => {
    filter.catch(new DomainError(ErrorCode.ValidationFailed, 'Bad.'), hostFor({}));
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
