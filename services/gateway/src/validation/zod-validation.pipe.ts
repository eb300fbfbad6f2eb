import { DomainError, ErrorCode } from '@kasho/errors';
import { type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';
import { fieldErrorsOf } from './field-errors';

/**
 * Validates a request body or query against its zod schema (the same schema documents it in OpenAPI) and hands
 * the handler the parsed value: unknown or ill-typed fields are 422 `validation_failed` with one `errors[]` entry
 * per problem. Only the shape is checked here; the owning service applies the rules.
 */
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  constructor(
    private readonly schema: Schema,
    private readonly what: 'body' | 'query' = 'body',
  ) {}

  transform(value: unknown): z.output<Schema> {
    const result = this.schema.safeParse(value ?? (this.what === 'query' ? {} : undefined));
    if (result.success) return result.data;
    throw new DomainError(ErrorCode.ValidationFailed, `The request ${this.what} is not valid.`, {
      errors: fieldErrorsOf(result.error),
    });
  }
}

/** `@Body(validBody(schema))`: the body, validated and parsed. */
export function validBody<Schema extends z.ZodType>(schema: Schema): ZodValidationPipe<Schema> {
  return new ZodValidationPipe(schema, 'body');
}

/** `@Query(validQuery(schema))`: the query string, validated and parsed. */
export function validQuery<Schema extends z.ZodType>(schema: Schema): ZodValidationPipe<Schema> {
  return new ZodValidationPipe(schema, 'query');
}

/**
 * `@Param('id', validParam(schema, 'No such session.'))`: a path parameter that cannot name a resource answers 404
 * like an unknown one, so a malformed id and a random id look the same.
 */
export function validParam(
  schema: z.ZodType<string>,
  notFoundDetail: string,
): PipeTransform<unknown, string> {
  return {
    transform(value: unknown): string {
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      throw new DomainError(ErrorCode.NotFound, notFoundDetail);
    },
  };
}
