import { amqpEnv, commonEnv, httpEnv, otelEnv, postgresEnv } from '@kasho/config';
import { z } from 'zod';

/** The notification service's settings; every one has a local default (see README, Configuration). */
export const notificationEnv = z.object({
  ...commonEnv.shape,
  ...httpEnv(3005).shape,
  ...postgresEnv('notification').shape,
  ...amqpEnv.shape,
  ...otelEnv('notification').shape,
});

export type NotificationConfig = z.output<typeof notificationEnv>;
