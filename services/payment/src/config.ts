import { amqpEnv, commonEnv, httpEnv, otelEnv, postgresEnv, redisEnv } from '@kasho/config';
import { z } from 'zod';

/** The payment service's settings; every one has a local default (see README, Configuration). */
export const paymentEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3004).shape,
  ...postgresEnv('payment').shape,
  ...redisEnv('payment').shape,
  ...amqpEnv.shape,
  ...otelEnv('payment').shape,
});

export type PaymentConfig = z.output<typeof paymentEnv>;
