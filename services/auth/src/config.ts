import { amqpEnv, commonEnv, envVar, httpEnv, otelEnv, postgresEnv, redisEnv } from '@kasho/config';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, InvalidKeySetError, parseKeySet } from '@kasho/security';
import { z } from 'zod';

/**
 * Where the access-token signing keys come from. `AUTH_SIGNING_KEYS` (the serialized keyset itself) wins over
 * `AUTH_SIGNING_KEYS_FILE`. Locally the file defaults to `.kasho/auth-signing-keys.json` (relative to the working
 * directory) and is generated on first run; in production one of the two must be given.
 */
export const authKeysEnv = z.object({
  AUTH_SIGNING_KEYS_FILE: envVar.string({ localDefault: '.kasho/auth-signing-keys.json', optional: true }),
  AUTH_SIGNING_KEYS: envVar.string({ secret: true, optional: true }),
});

/** Tokens: issuer and audience defaults equal the gateway's. */
export const identityEnv = z.object({
  AUTH_ISSUER: envVar.string({ default: 'https://auth.kasho.local' }),
  AUTH_AUDIENCE: envVar.string({ default: 'kasho-api' }),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: envVar.int({
    min: 60,
    max: 3600,
    default: DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  }),
});

/** The auth service's settings; every one has a local default (see README, Configuration). */
export const authEnv = z
  .object({
    ...commonEnv.shape,
    ...httpEnv(3001).shape,
    ...postgresEnv('auth').shape,
    ...redisEnv('auth').shape,
    ...amqpEnv.shape,
    ...otelEnv('auth').shape,
    ...authKeysEnv.shape,
    ...identityEnv.shape,
  })
  .superRefine((config, context) => {
    if (config.AUTH_SIGNING_KEYS !== undefined) {
      const problem = keySetProblem(config.AUTH_SIGNING_KEYS);
      if (problem) context.addIssue({ code: 'custom', path: ['AUTH_SIGNING_KEYS'], message: problem });
    } else if (config.AUTH_SIGNING_KEYS_FILE === undefined) {
      // Never generate keys silently in production: every replica would sign with a different key. The path
      // names both variables, so the one-line start-up error says that either will do.
      context.addIssue({
        code: 'custom',
        path: ['AUTH_SIGNING_KEYS or AUTH_SIGNING_KEYS_FILE'],
        message: 'required in production (signing keys are never generated there)',
      });
    }
  });

export type AuthConfig = z.output<typeof authEnv>;

/** What is wrong with a serialized keyset, in words that never echo key material. */
function keySetProblem(text: string): string | undefined {
  try {
    parseKeySet(text);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidKeySetError) return error.message;
    throw error;
  }
}
