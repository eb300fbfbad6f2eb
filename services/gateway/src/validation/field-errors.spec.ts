import fc from 'fast-check';
import { z } from 'zod';
import { fieldErrorsOf } from './field-errors';

function errorsFor(schema: z.ZodType, value: unknown): { pointer: string; detail: string }[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return fieldErrorsOf(result.error);
}

describe('fieldErrorsOf', () => {
  const schema = z.strictObject({ email: z.string(), destination: z.strictObject({ accountId: z.uuid() }) });

  it('points at each bad, missing or unknown field', () => {
    const errors = errorsFor(schema, { destination: { accountId: 'x', extra: 1 }, isAdmin: true });
    expect(errors.map((error) => error.pointer).sort()).toEqual([
      '/destination/accountId',
      '/destination/extra',
      '/email',
      '/isAdmin',
    ]);
  });

  it('points at the whole body with the empty pointer', () => {
    expect(errorsFor(schema, 'text')).toEqual([{ pointer: '', detail: expect.any(String) as string }]);
  });

  it('escapes ~ and / in names (RFC 6901), so a pointer always names the field (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (name) => {
        const [error] = errorsFor(z.strictObject({}), { [name]: 1 });
        const token = error.pointer.slice(1);
        expect(error.pointer.startsWith('/')).toBe(true);
        expect(token.replace(/~1/g, '/').replace(/~0/g, '~')).toBe(name);
        expect(token).not.toMatch(/\//);
      }),
    );
  });
});
