import { z } from 'zod';

/**
 * How a variable behaves when it is unset (or set to the empty string):
 * - `default` applies in every environment;
 * - `localDefault` applies outside production only: in production the variable is required, so a deployment never
 *   silently talks to localhost or runs with a development secret;
 * - `productionDefault` replaces the other two in production (e.g. bind 0.0.0.0 in a container, 127.0.0.1 locally).
 * `secret` keeps the value out of error messages.
 */
export interface EnvVarOptions<T> {
  default?: T;
  localDefault?: T;
  productionDefault?: T;
  secret?: boolean;
  /** The variable may stay unset: the parsed value is then `undefined`. */
  optional?: boolean;
}

export interface EnvVarMeta {
  default?: string;
  localDefault?: string;
  productionDefault?: string;
  secret: boolean;
}

const metas = new WeakMap<z.core.$ZodType, EnvVarMeta>();

/** The defaults and secrecy registered for a variable's schema by the `envVar` builders. */
export function envVarMeta(schema: z.core.$ZodType): EnvVarMeta | undefined {
  return metas.get(schema);
}

/** The schema of one variable: a raw string (or nothing) in, `T` out (`T | undefined` when optional). */
export type EnvVarSchema<T, O> = z.ZodType<
  O extends { optional: true } ? T | undefined : T,
  string | undefined
>;

function register<T, O extends EnvVarOptions<T>>(
  schema: z.ZodType<T, string>,
  options: O,
): EnvVarSchema<T, O> {
  const text = (value: T | undefined): string | undefined =>
    value === undefined ? undefined : String(value);
  const result = (options.optional ? schema.optional() : schema) as unknown as EnvVarSchema<T, O>;
  metas.set(result, {
    default: text(options.default),
    localDefault: text(options.localDefault),
    productionDefault: text(options.productionDefault),
    secret: options.secret ?? false,
  });
  return result;
}

export interface StringVarOptions extends EnvVarOptions<string> {
  /** Accept the empty string as a value (by default an empty variable counts as unset). */
  allowEmpty?: boolean;
  pattern?: RegExp;
  /** Says what the pattern expects, for the error message (`a lowercase name`). */
  expected?: string;
}

export interface IntVarOptions extends EnvVarOptions<number> {
  min?: number;
  max?: number;
}

export interface UrlVarOptions extends EnvVarOptions<string> {
  /** Accepted schemes without the colon, e.g. `['postgres', 'postgresql']`; any scheme when omitted. */
  protocols?: readonly string[];
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Builders for environment variables: each parses the raw string into a typed value with a message that says what
 * was expected, and records its defaults for `loadConfig`.
 */
export const envVar = {
  string<O extends StringVarOptions>(options: O = {} as O) {
    const expected =
      options.expected ?? (options.pattern ? `a value matching ${String(options.pattern)}` : 'a value');
    const schema = z
      .string()
      .refine(
        (value) =>
          (options.allowEmpty || value.length > 0) && (!options.pattern || options.pattern.test(value)),
        {
          error: `expected ${expected}`,
        },
      );
    return register(schema, options);
  },

  int<O extends IntVarOptions>(options: O = {} as O) {
    const { min, max } = options;
    const range =
      min !== undefined && max !== undefined
        ? ` ${min}-${max}`
        : min !== undefined
          ? ` >= ${min}`
          : max !== undefined
            ? ` <= ${max}`
            : '';
    const schema = z
      .string()
      .refine(
        (value) => {
          if (!/^-?\d+$/.test(value.trim())) return false;
          const parsed = Number(value);
          return (
            Number.isSafeInteger(parsed) &&
            (min === undefined || parsed >= min) &&
            (max === undefined || parsed <= max)
          );
        },
        { error: `expected an integer${range}` },
      )
      .transform((value) => Number(value));
    return register(schema, options);
  },

  bool<O extends EnvVarOptions<boolean>>(options: O = {} as O) {
    const schema = z
      .string()
      .refine(
        (value) => TRUE_WORDS.has(value.trim().toLowerCase()) || FALSE_WORDS.has(value.trim().toLowerCase()),
        {
          error: 'expected true or false',
        },
      )
      .transform((value) => TRUE_WORDS.has(value.trim().toLowerCase()));
    return register(schema, options);
  },

  url<O extends UrlVarOptions>(options: O = {} as O) {
    const protocols = options.protocols?.map((protocol) => `${protocol}:`);
    const expected = protocols ? `a ${options.protocols?.map((p) => `${p}://`).join(' or ')} URL` : 'a URL';
    const schema = z.string().refine(
      (value) => {
        if (!URL.canParse(value)) return false;
        return !protocols || protocols.includes(new URL(value).protocol);
      },
      { error: `expected ${expected}` },
    );
    return register(schema, options);
  },

  enum<const V extends readonly [string, ...string[]], O extends EnvVarOptions<V[number]>>(
    values: V,
    options: O = {} as O,
  ) {
    const schema = z
      .string()
      .refine((value) => (values as readonly string[]).includes(value), {
        error: `expected one of ${values.join(', ')}`,
      })
      .transform((value) => value as V[number]);
    return register<V[number], O>(schema, options);
  },
};
