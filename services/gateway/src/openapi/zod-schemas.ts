import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

// The zod schemas that validate requests also document them: each is turned into JSON Schema 2020-12 (what
// OpenAPI 3.1 uses), kept here under a component name and referenced from the operations; `setUpOpenApi` adds
// them to `components.schemas`. Decorators run when their module loads, before the document is built.

type JsonSchema = Record<string, unknown>;

const components = new Map<string, JsonSchema>();

/** RFC 9457 problem details as the gateway answers every error (OAuth's token endpoint excepted). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable machine-readable error code, e.g. `validation_failed`' }),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          pointer: z
            .string()
            .meta({ description: 'JSON Pointer (RFC 6901) into the request, e.g. `/email`' }),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ description: 'RFC 9457 problem details (`application/problem+json`)' });

/** Registers `schema` as component `name` (once) and answers a `$ref` to it. */
export function schemaRef(name: string, schema: z.ZodType, io: 'input' | 'output'): { $ref: string } {
  if (!components.has(name)) {
    const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
    components.set(name, json);
  }
  return { $ref: `#/components/schemas/${name}` };
}

/** Every schema registered so far, for `components.schemas`. */
export function zodComponents(): Record<string, JsonSchema> {
  schemaRef('Problem', problemSchema, 'output');
  return Object.fromEntries(components);
}

/** The request body as JSON, documented from the schema that validates it. */
export function ApiJsonBody(name: string, schema: z.ZodType): MethodDecorator {
  return ApiBody({ required: true, schema: schemaRef(name, schema, 'input') });
}

/** The request body as an HTML form (`application/x-www-form-urlencoded`). */
export function ApiFormBody(name: string, schema: z.ZodType): MethodDecorator {
  return applyDecorators(
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiBody({ required: true, schema: schemaRef(name, schema, 'input') }),
  );
}

/** A JSON success answer, documented from a zod schema. */
export function ApiJsonResponse(
  status: number,
  description: string,
  name: string,
  schema: z.ZodType,
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, schema: schemaRef(name, schema, 'output') });
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (problem+json)',
  401: 'Missing, invalid, expired or revoked access token, or wrong credentials (problem+json)',
  403: 'Authenticated but not allowed: `forbidden` or `mfa_required` (problem+json)',
  404: 'No such resource (problem+json)',
  422: 'Validation failed: `errors[]` names each field by JSON Pointer (problem+json)',
  429: 'Rate limited (problem+json, `Retry-After`)',
  503: 'A dependency is unavailable; try again (problem+json)',
};

/** Error answers of an operation, each an `application/problem+json` body. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Error (problem+json)',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }),
    ),
  );
}
