import { DomainError, type FieldError } from './domain-error';
import { ErrorCode } from './error-code';
import { httpStatusFor } from './http-status';

/** RFC 9457 problem details, with Kasho's stable `code` and, for validation, `errors[]`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://docs.kasho.dev/problems/';

function titleFor(code: ErrorCode): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Maps any thrown value to problem details; anything that is not a DomainError becomes a bare internal_error. */
export function toProblemDetails(error: unknown, instance?: string): ProblemDetails {
  const domain =
    error instanceof DomainError
      ? error
      : new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.');
  return {
    type: PROBLEM_TYPE_BASE + domain.code.replace(/_/g, '-'),
    title: titleFor(domain.code),
    status: domain.status ?? httpStatusFor(domain.code),
    detail: domain.detail,
    code: domain.code,
    ...(instance ? { instance } : {}),
    ...(domain.errors ? { errors: domain.errors } : {}),
  };
}
