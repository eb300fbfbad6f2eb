import { amqpEnv, commonEnv, httpEnv, otelEnv, redisEnv } from '@kasho/config';
import { z } from 'zod';

/** The gateway's settings: no database of its own; Redis (rate limits, revocation) and the broker. */
export const gatewayEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3000).shape,
  ...redisEnv('gateway').shape,
  ...amqpEnv.shape,
  ...otelEnv('gateway').shape,
});

export type GatewayConfig = z.output<typeof gatewayEnv>;
