import { type z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

/**
 * For `main.ts`: a ConfigError is an operator's mistake, not a bug, so it is printed as one line on stderr (no stack)
 * and the process exits with status 1. Anything else is rethrown untouched.
 */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

/** `loadConfig`, exiting the process with a one-line message when the configuration is invalid. */
export function loadConfigOrExit<S extends z.ZodObject<z.core.$ZodShape>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    return exitOnConfigError(error);
  }
}
