import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { handlerCalls, IDEMPOTENCY_STATE, type IdempotentRequest } from './idempotency.state';
import { IDEMPOTENT, type IdempotentOptions } from './idempotent.metadata';

export { IDEMPOTENT } from './idempotent.metadata';
export type { IdempotentOptions } from './idempotent.metadata';

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/**
 * The route honours `Idempotency-Key` (API.md, Conventions): a retry with the same key and the same request gets
 * the first answer again (`Idempotent-Replayed: true`) and does no work; the same key with another request is 422
 * `idempotency_key_reused`; while the first is still running, 409 `request_in_progress`. Keys are scoped to the
 * caller. Implemented by `IdempotencyInterceptor` (global) and the onSend hook of `IdempotencyModule`.
 */
export function Idempotent(options: IdempotentOptions = {}): MethodDecorator {
  const required = options.required === true;
  return applyDecorators(
    // First, so that the metadata below lands on the wrapper (the wrapper copies what was set before it).
    MarksHandlerCall(),
    SetMetadata(IDEMPOTENT, { required } satisfies IdempotentOptions),
    // On these routes only: an interceptor wraps a request in an RxJS pipeline, which every other route would pay
    // for (a global interceptor halved the gateway's throughput on a trivial route, measured).
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required,
      description:
        'A unique key per operation (a UUID), 1 to 255 printable ASCII characters, scoped to the caller. A retry ' +
        'with the same key and the same body within 24 h replays the first answer with `Idempotent-Replayed: true`.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    }),
    ApiResponse({
      status: 400,
      description: required
        ? 'Malformed request, `idempotency_key_required` or `invalid_idempotency_key` (problem+json)'
        : 'Malformed request or `invalid_idempotency_key` (problem+json)',
      content: PROBLEM,
    }),
    ApiResponse({
      status: 409,
      description:
        '`request_in_progress`: a request with this Idempotency-Key is still running (problem+json)',
      content: PROBLEM,
    }),
    ApiResponse({
      status: 422,
      description:
        'Validation failed (`errors[]` names each field by JSON Pointer), or `idempotency_key_reused`: the ' +
        'Idempotency-Key was used for a different request (problem+json)',
      content: PROBLEM,
    }),
    ApiResponse({
      status: 503,
      description: 'A dependency is unavailable; try again with the same Idempotency-Key (problem+json)',
      content: PROBLEM,
    }),
  );
}

/**
 * The validated `Idempotency-Key` of an `@Idempotent()` route, or undefined when the client sent none: a money
 * route forwards it to the owning service, which makes the operation exactly-once end to end (the gateway's record
 * covers retries of a request, the service's covers a retry after a 503/504 that released the key).
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<IdempotentRequest>()[IDEMPOTENCY_STATE]?.key,
);

/**
 * Wraps the handler so that calling it marks the request's claim "work began". Nest applies pipes (body
 * validation) after interceptors and just before the handler: an error before this mark was a refusal before any
 * work, and the key is released; from here on the answer is stored, a business refusal included.
 */
function MarksHandlerCall(): MethodDecorator {
  return (_target, _key, descriptor) => {
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') throw new Error('@Idempotent() decorates a route handler method');
    const handler = original as (...args: unknown[]) => unknown;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const claim = handlerCalls.getStore();
      if (claim !== undefined) claim.workBegan = true;
      return handler.apply(this, args);
    };
    Object.defineProperty(wrapper, 'name', { value: handler.name });
    // Route, status, guard and OpenAPI metadata set by the decorators applied before this one.
    for (const metadataKey of Reflect.getOwnMetadataKeys(handler))
      Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, handler), wrapper);
    (descriptor as TypedPropertyDescriptor<unknown>).value = wrapper;
  };
}
