import { type FieldError } from '@kasho/errors';
import { type z } from 'zod';

/** RFC 6901: `~` and `/` inside a reference token are escaped as `~0` and `~1`. */
function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((key) => '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * A zod failure as the API's `errors[]`: one entry per problem, `pointer` a JSON Pointer into the request (`""` is
 * the whole body). An unknown field is reported at its own pointer, so a client sees exactly what to remove.
 */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors.push({ pointer: pointerOf([...issue.path, key]), detail: 'Unknown field.' });
      continue;
    }
    errors.push({ pointer: pointerOf(issue.path), detail: issue.message });
  }
  return errors;
}
