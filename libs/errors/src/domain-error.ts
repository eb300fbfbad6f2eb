import { ErrorCode, isErrorCode } from './error-code';

/** One invalid field: `pointer` is a JSON Pointer into the request body (`/destination/accountId`). */
export interface FieldError {
  pointer: string;
  detail: string;
}

/** The wire form of a DomainError: what crosses RabbitMQ RPC unchanged. */
export interface SerializedError {
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  retryable?: boolean;
  status?: number;
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  /** True when asking again (with the same idempotency key) may succeed: timeouts, unavailable dependencies. */
  retryable?: boolean;
  /**
   * A 4xx status other than the code's usual one, for the rare code whose meaning is the same but whose API
   * answer differs by route (`invalid_credentials`: 401 at login, 422 at password change).
   */
  status?: number;
  cause?: unknown;
}

/**
 * The base of every error a service raises on purpose. It carries a stable code; the gateway turns it into
 * problem+json and the RPC layer carries it between services as `SerializedError`.
 */
export class DomainError extends Error {
  readonly errors: FieldError[] | undefined;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: DomainErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errors = options.errors;
    this.retryable = options.retryable ?? false;
    if (options.status !== undefined && !isClientErrorStatus(options.status))
      throw new RangeError(`status override must be a 4xx status, got ${options.status}`);
    this.status = options.status;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.retryable ? { retryable: true } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
    };
  }

  /** Rebuilds an error received over RPC; an unknown code (a newer peer) degrades to internal_error. */
  static fromJSON(value: unknown): DomainError {
    if (typeof value === 'object' && value !== null) {
      const { code, detail, errors, retryable, status } = value as Partial<
        Record<keyof SerializedError, unknown>
      >;
      if (isErrorCode(code)) {
        return new DomainError(code, typeof detail === 'string' ? detail : code, {
          errors: Array.isArray(errors) ? (errors as FieldError[]) : undefined,
          retryable: retryable === true,
          status: typeof status === 'number' && isClientErrorStatus(status) ? status : undefined,
        });
      }
    }
    return new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.');
  }
}

function isClientErrorStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 400 && status <= 499;
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
