import { DomainError, ErrorCode } from '@kasho/errors';
import { type RateLimitDecision } from './rate-limiter';

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/** The answer to a request over its budget; the global filter (or the IP hook) makes it problem+json 429. */
export const rateLimitedError = (): DomainError =>
  new DomainError(
    ErrorCode.RateLimited,
    'Too many requests; retry after the number of seconds in Retry-After.',
    {
      retryable: true,
    },
  );

/** RateLimit-* on every limited answer (API.md), and Retry-After on a refusal. */
export function setRateLimitHeaders(reply: HeaderReply, decision: RateLimitDecision): void {
  reply.header('ratelimit-limit', String(decision.limit));
  reply.header('ratelimit-remaining', String(decision.remaining));
  reply.header('ratelimit-reset', String(decision.resetSeconds));
  if (!decision.allowed) reply.header('retry-after', String(decision.retryAfterSeconds));
}
