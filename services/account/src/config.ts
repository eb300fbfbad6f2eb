import { amqpEnv, commonEnv, httpEnv, otelEnv, postgresEnv, redisEnv } from '@kasho/config';
import { z } from 'zod';

/** The account service's settings; every one has a local default (see README, Configuration). */
export const accountEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3002).shape,
  ...postgresEnv('account').shape,
  ...redisEnv('account').shape,
  ...amqpEnv.shape,
  ...otelEnv('account').shape,
});

export type AccountConfig = z.output<typeof accountEnv>;
