import { amqpEnv, commonEnv, envVar, httpEnv, otelEnv, redisEnv } from '@kasho/config';
import { z } from 'zod';

/** The gateway's settings: no database of its own; Redis (rate limits, revocation) and the broker. */
export const gatewayEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3000).shape,
  ...redisEnv('gateway').shape,
  ...amqpEnv.shape,
  ...otelEnv('gateway').shape,
  /** The `iss` every access token must carry: the auth service's issuer identifier. */
  AUTH_ISSUER: envVar.string({ default: 'https://auth.kasho.local' }),
  /** The `aud` an access token must name for this API. */
  AUTH_AUDIENCE: envVar.string({ default: 'kasho-api' }),
});

export type GatewayConfig = z.output<typeof gatewayEnv>;
