export { ErrorCode, isErrorCode } from './error-code';
export { httpStatusFor } from './http-status';
export { DomainError, isDomainError } from './domain-error';
export type { DomainErrorOptions, FieldError, SerializedError } from './domain-error';
export { PROBLEM_CONTENT_TYPE, toProblemDetails } from './problem-details';
export type { ProblemDetails } from './problem-details';
