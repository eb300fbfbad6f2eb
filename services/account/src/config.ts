import { amqpEnv, commonEnv, envVar, httpEnv, otelEnv, postgresEnv, redisEnv } from '@kasho/config';
import { DEFAULT_SUPPORTED_CURRENCIES, parseSupportedCurrencies } from '@kasho/money';
import { z } from 'zod';

/**
 * The keys protecting personal data. `ACCOUNT_MASTER_KEY` wraps every customer's data key (AES-256-GCM);
 * `ACCOUNT_BLIND_INDEX_KEY` keys the HMAC-SHA-256 blind indexes (lookups by email, phone and name words). Each is
 * base64 of 32 bytes and wins over its `_FILE`; locally the files default to `.kasho/account-*-key` and are
 * generated on first run (mode 0600); in production one of each pair must be given. They must differ: a leaked
 * index key must not open the data.
 */
export const accountKeysEnv = z.object({
  ACCOUNT_MASTER_KEY_FILE: envVar.string({ localDefault: '.kasho/account-master-key', optional: true }),
  ACCOUNT_MASTER_KEY: envVar.string({ secret: true, optional: true }),
  ACCOUNT_BLIND_INDEX_KEY_FILE: envVar.string({
    localDefault: '.kasho/account-blind-index-key',
    optional: true,
  }),
  ACCOUNT_BLIND_INDEX_KEY: envVar.string({ secret: true, optional: true }),
});

/** Tier limits in minor units (each currency counted on its own; EUR, USD and GBP share exponent 2). */
export const limitsEnv = z.object({
  LIMITS_TIER0_MAX_BALANCE: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 15_000 }),
  LIMITS_TIER0_MAX_SINGLE_PAYMENT: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 10_000 }),
  LIMITS_TIER0_DAILY_OUTGOING: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 10_000 }),
  LIMITS_TIER0_MONTHLY_OUTGOING: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 15_000 }),
  LIMITS_TIER1_MAX_BALANCE: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 10_000_000 }),
  LIMITS_TIER1_MAX_SINGLE_PAYMENT: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 1_000_000 }),
  LIMITS_TIER1_DAILY_OUTGOING: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 2_000_000 }),
  LIMITS_TIER1_MONTHLY_OUTGOING: envVar.int({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 10_000_000 }),
});

/** The currencies wallets may be opened in (the gateway's setting of the same name: keep them alike). */
export const currenciesEnv = z.object({
  SUPPORTED_CURRENCIES: envVar.string({ default: DEFAULT_SUPPORTED_CURRENCIES.join(',') }),
});

/** Background jobs; an interval of 0 turns a job off (tests run rounds by hand). */
export const accountJobsEnv = z.object({
  /** How often wallets left `opening` by a crash are finished. */
  ACCOUNT_WALLET_RECOVERY_INTERVAL_MS: envVar.int({ min: 0, max: 3_600_000, default: 5_000 }),
  /** A wallet still opening after this long is taken over by the recovery job. */
  ACCOUNT_WALLET_RECOVERY_AFTER_MS: envVar.int({ min: 0, max: 3_600_000, default: 10_000 }),
  ACCOUNT_BALANCE_CACHE_TTL_SECONDS: envVar.int({ min: 1, max: 86_400, default: 300 }),
  ACCOUNT_RETENTION_INTERVAL_SECONDS: envVar.int({ min: 0, max: 7 * 86_400, default: 3600 }),
  /** KYC material is kept this many days after the customer's last wallet closed (AML: 5 years). */
  ACCOUNT_KYC_RETENTION_DAYS: envVar.int({ min: 0, max: 36_500, default: 1825 }),
});

/** The account service's settings; every one has a local default (see README, Configuration). */
export const accountEnv = z
  .object({
    ...commonEnv.shape,
    ...httpEnv(3002).shape,
    ...postgresEnv('account').shape,
    ...redisEnv('account').shape,
    ...amqpEnv.shape,
    ...otelEnv('account').shape,
    ...accountKeysEnv.shape,
    ...limitsEnv.shape,
    ...accountJobsEnv.shape,
    ...currenciesEnv.shape,
  })
  .superRefine((config, context) => {
    try {
      parseSupportedCurrencies(config.SUPPORTED_CURRENCIES);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.addIssue({ code: 'custom', path: ['SUPPORTED_CURRENCIES'], message });
    }
    for (const name of ['ACCOUNT_MASTER_KEY', 'ACCOUNT_BLIND_INDEX_KEY'] as const) {
      const value = config[name];
      const file = config[`${name}_FILE`];
      if (value !== undefined) {
        if (!isKey(value))
          context.addIssue({
            code: 'custom',
            path: [name],
            message: 'expected the base64 encoding of 32 bytes (value hidden)',
          });
      } else if (file === undefined) {
        context.addIssue({
          code: 'custom',
          path: [`${name} or ${name}_FILE`],
          message: 'required in production (keys are never generated there)',
        });
      }
    }
  });

/** A key as configured: standard base64 of exactly 32 bytes. */
export function isKey(text: string): boolean {
  const trimmed = text.trim();
  return /^[A-Za-z0-9+/]{43}=$/.test(trimmed) && Buffer.from(trimmed, 'base64').length === 32;
}

export type AccountConfig = z.output<typeof accountEnv>;

/** The validated config, injected where the rules need their settings. */
export const ACCOUNT_CONFIG = Symbol('ACCOUNT_CONFIG');
