import { amqpEnv, commonEnv, httpEnv, otelEnv, postgresEnv, redisEnv } from '@kasho/config';
import { z } from 'zod';

/** The auth service's settings; every one has a local default (see README, Configuration). */
export const authEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3001).shape,
  ...postgresEnv('auth').shape,
  ...redisEnv('auth').shape,
  ...amqpEnv.shape,
  ...otelEnv('auth').shape,
});

export type AuthConfig = z.output<typeof authEnv>;
