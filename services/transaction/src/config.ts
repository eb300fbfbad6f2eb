import { amqpEnv, commonEnv, httpEnv, otelEnv, postgresEnv } from '@kasho/config';
import { z } from 'zod';

/** The transaction service's settings; every one has a local default (see README, Configuration). */
export const transactionEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3003).shape,
  ...postgresEnv('transaction').shape,
  ...amqpEnv.shape,
  ...otelEnv('transaction').shape,
});

export type TransactionConfig = z.output<typeof transactionEnv>;
