import { amqpEnv, commonEnv, envVar, httpEnv, otelEnv, redisEnv } from '@kasho/config';
import { DEFAULT_SESSION_REVOCATION_KEY_PREFIX } from '@kasho/security';
import { DEFAULT_SUPPORTED_CURRENCIES, parseSupportedCurrencies } from '@kasho/money';
import { z } from 'zod';

/** The gateway's settings: no database of its own; Redis (rate limits, revocation) and the broker. */
export const gatewayEnv = z
  .object({
    ...commonEnv.shape,
    ...httpEnv(3000).shape,
    ...redisEnv('gateway').shape,
    ...amqpEnv.shape,
    ...otelEnv('gateway').shape,
    /** The `iss` every access token must carry: the auth service's issuer identifier. */
    AUTH_ISSUER: envVar.string({ default: 'https://auth.kasho.local' }),
    /** The `aud` an access token must name for this API. */
    AUTH_AUDIENCE: envVar.string({ default: 'kasho-api' }),
    /**
     * The key prefix of the session revocation list the auth service writes (the same setting there): the gateway
     * reads it on its own Redis connection to refuse a revoked session's tokens at once.
     */
    SESSION_REVOCATION_KEY_PREFIX: envVar.string({ default: DEFAULT_SESSION_REVOCATION_KEY_PREFIX }),
    /** Requests one client address may make per minute (before authentication); a test deployment may loosen it. */
    RATE_LIMIT_IP_PER_MINUTE: envVar.int({ min: 1, max: 1_000_000, default: 600 }),
    /** Requests one authenticated user may make per minute, whatever addresses they come from. */
    RATE_LIMIT_USER_PER_MINUTE: envVar.int({ min: 1, max: 1_000_000, default: 300 }),
    /**
     * The gateway sits behind a reverse proxy that sets `X-Forwarded-For`: the client address is then read from it.
     * Off by default, since a client can send that header itself and so pick its own rate-limit budget.
     */
    TRUST_PROXY: envVar.bool({ default: false }),
    /** Browser origins allowed to call the API cross-origin, comma-separated (`https://app.kasho.com`); none by default. */
    CORS_ALLOWED_ORIGINS: envVar.string({ default: '', allowEmpty: true }),
    /** ISO 4217 codes money may move in, comma-separated; anything else is 422 `invalid_currency` at the edge. */
    SUPPORTED_CURRENCIES: envVar.string({ default: DEFAULT_SUPPORTED_CURRENCIES.join(',') }),
  })
  .superRefine((config, context) => {
    try {
      parseSupportedCurrencies(config.SUPPORTED_CURRENCIES);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.addIssue({ code: 'custom', path: ['SUPPORTED_CURRENCIES'], message });
    }
  });

export type GatewayConfig = z.output<typeof gatewayEnv>;
