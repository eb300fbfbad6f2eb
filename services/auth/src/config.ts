import { amqpEnv, commonEnv, envVar, httpEnv, otelEnv, postgresEnv, redisEnv } from '@kasho/config';
import {
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_SESSION_REVOCATION_KEY_PREFIX,
  InvalidKeySetError,
  parseKeySet,
} from '@kasho/security';
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

/**
 * The data key that encrypts TOTP secrets at rest (AES-256-GCM): `AUTH_DATA_KEY` (base64 of 32 bytes) wins over
 * `AUTH_DATA_KEY_FILE`. Locally the file defaults to `.kasho/auth-data-key` and is generated on first run (mode
 * 0600); in production one of the two must be given, since a lost or differing key makes every secret unreadable.
 */
export const authDataKeyEnv = z.object({
  AUTH_DATA_KEY_FILE: envVar.string({ localDefault: '.kasho/auth-data-key', optional: true }),
  AUTH_DATA_KEY: envVar.string({ secret: true, optional: true }),
});

/** Tokens, sessions and sign-in throttling. Issuer and audience defaults equal the gateway's. */
export const identityEnv = z.object({
  AUTH_ISSUER: envVar.string({ default: 'https://auth.kasho.local' }),
  AUTH_AUDIENCE: envVar.string({ default: 'kasho-api' }),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: envVar.int({
    min: 60,
    max: 3600,
    default: DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  }),
  /** The revocation list's key prefix in Redis: the gateway reads the same keys, so both must agree. */
  SESSION_REVOCATION_KEY_PREFIX: envVar.string({ default: DEFAULT_SESSION_REVOCATION_KEY_PREFIX }),
  /** Consecutive failed sign-ins that lock an account (PCI DSS 8.3.4: at most 10). */
  AUTH_LOGIN_MAX_FAILURES: envVar.int({ min: 1, max: 1000, default: 10 }),
  /** How long a locked account stays locked (PCI DSS 8.3.4: at least 30 minutes). */
  AUTH_LOCKOUT_MINUTES: envVar.int({ min: 1, max: 24 * 60, default: 30 }),
  /** Failures per account (by normalised email) before each further attempt must wait 2^(n-k) seconds. */
  AUTH_LOGIN_DELAY_AFTER_FAILURES: envVar.int({ min: 1, max: 100_000, default: 3 }),
  /** The same per client address, higher: many people may share one address. */
  AUTH_LOGIN_IP_DELAY_AFTER_FAILURES: envVar.int({ min: 1, max: 1_000_000, default: 20 }),
  /** The longest delay either counter imposes. */
  AUTH_LOGIN_MAX_DELAY_SECONDS: envVar.int({ min: 1, max: 86_400, default: 300 }),
});

/** The periodic deletion of dead identity rows (src/identity-retention). */
export const identityRetentionEnv = z.object({
  /** Seconds between retention rounds; 0 turns the job off (tests run rounds by hand). */
  AUTH_RETENTION_INTERVAL_SECONDS: envVar.int({ min: 0, max: 7 * 86_400, default: 3600 }),
  /** Days a revoked or expired session is kept: the login history a data export shows. */
  AUTH_SESSION_HISTORY_DAYS: envVar.int({ min: 1, max: 3650, default: 90 }),
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
    ...authDataKeyEnv.shape,
    ...identityEnv.shape,
    ...identityRetentionEnv.shape,
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
    if (config.AUTH_DATA_KEY !== undefined) {
      if (!isDataKey(config.AUTH_DATA_KEY)) {
        context.addIssue({
          code: 'custom',
          path: ['AUTH_DATA_KEY'],
          message: 'expected the base64 encoding of 32 bytes (value hidden)',
        });
      }
    } else if (config.AUTH_DATA_KEY_FILE === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_DATA_KEY or AUTH_DATA_KEY_FILE'],
        message: 'required in production (the data key is never generated there)',
      });
    }
  });

/** A data key as configured: standard base64 of exactly 32 bytes. */
export function isDataKey(text: string): boolean {
  const trimmed = text.trim();
  return /^[A-Za-z0-9+/]{43}=$/.test(trimmed) && Buffer.from(trimmed, 'base64').length === 32;
}

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
