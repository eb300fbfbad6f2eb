import { type z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error';
import { envVarMeta, type EnvVarMeta } from './env-var';

type RawEnv = Record<string, string | undefined>;

const MAX_SHOWN_VALUE_LENGTH = 60;

function defaultFor(meta: EnvVarMeta | undefined, production: boolean): string | undefined {
  if (!meta) return undefined;
  if (production)
    return meta.productionDefault ?? (meta.localDefault !== undefined ? undefined : meta.default);
  return meta.localDefault ?? meta.default;
}

function shown(value: string): string {
  const cut = value.length > MAX_SHOWN_VALUE_LENGTH ? `${value.slice(0, MAX_SHOWN_VALUE_LENGTH)}…` : value;
  return JSON.stringify(cut);
}

/**
 * Validates the environment against a service's schema and returns the typed config. Every problem is collected
 * into one `ConfigError` naming each variable; values of secret variables never appear in the message.
 *
 * An unset or empty variable takes its default (see `EnvVarOptions`); `NODE_ENV=production` withholds local
 * defaults, so URLs and secrets must then be given explicitly.
 */
export function loadConfig<S extends z.ZodObject<z.core.$ZodShape>>(
  schema: S,
  env: RawEnv = process.env,
): z.output<S> {
  const production = env.NODE_ENV === 'production';
  const input: RawEnv = {};
  const missing = new Set<string>();
  for (const [variable, field] of Object.entries(schema.shape)) {
    const given = env[variable];
    const value = given === undefined || given === '' ? defaultFor(envVarMeta(field), production) : given;
    if (value === undefined) missing.add(variable);
    input[variable] = value;
  }

  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    if (seen.has(variable)) continue;
    seen.add(variable);
    const field: z.core.$ZodType | undefined = schema.shape[variable];
    const meta = field ? envVarMeta(field) : undefined;
    const value = input[variable];
    let problem: string;
    if (missing.has(variable)) {
      problem =
        production && meta?.localDefault !== undefined
          ? 'required in production (the local default does not apply)'
          : 'required but not set';
    } else if (meta?.secret) {
      problem = `${issue.message} (value hidden)`;
    } else if (value === undefined) {
      problem = issue.message;
    } else {
      problem = `${issue.message}, got ${shown(value)}`;
    }
    issues.push({ variable, problem });
  }
  throw new ConfigError(issues);
}
