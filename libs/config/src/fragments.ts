import { z } from 'zod';
import { envVar } from './env-var';

// Reusable pieces of a service's env schema. A service spreads the ones it needs into one `z.object` in its
// `config.ts`, so each schema stays small and local. Defaults make a local run work with zero configuration;
// `localDefault`s (URLs carrying hosts and credentials) are withheld in production.

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const commonEnv = z.object({
  NODE_ENV: envVar.enum(NODE_ENVS, { default: 'development' }),
  LOG_LEVEL: envVar.enum(LOG_LEVELS, { default: 'info' }),
  /** Human-readable logs instead of JSON lines (local runs in a terminal). */
  LOG_PRETTY: envVar.bool({ default: false }),
  SERVICE_VERSION: envVar.string({ localDefault: '0.0.0-local', productionDefault: 'unknown' }),
});

/** Locally the service listens on loopback only; in production (a container) on every interface. */
export function httpEnv(defaultPort: number) {
  return z.object({
    HTTP_HOST: envVar.string({ localDefault: '127.0.0.1', productionDefault: '0.0.0.0' }),
    HTTP_PORT: envVar.int({ min: 1, max: 65535, default: defaultPort }),
  });
}

/** `service` names the local database: `kasho_<service>` on the local PostgreSQL. */
export function postgresEnv(service: string) {
  return z.object({
    DATABASE_URL: envVar.url({
      protocols: ['postgres', 'postgresql'],
      localDefault: `postgres://postgres@127.0.0.1:5432/kasho_${service}`,
      secret: true,
    }),
    DATABASE_POOL_SIZE: envVar.int({ min: 1, max: 200, default: 10 }),
    /** Locally the service creates its database and migrates on start; in production a release job migrates. */
    DATABASE_MIGRATE_ON_START: envVar.bool({ localDefault: true, productionDefault: false }),
  });
}

/** `service` names the key prefix, `kasho:<service>:`, so services sharing a Redis never see each other's keys. */
export function redisEnv(service: string) {
  return z.object({
    REDIS_URL: envVar.url({
      protocols: ['redis', 'rediss'],
      localDefault: 'redis://127.0.0.1:6379',
      secret: true,
    }),
    REDIS_KEY_PREFIX: envVar.string({ default: `kasho:${service}:` }),
  });
}

export const amqpEnv = z.object({
  AMQP_URL: envVar.url({
    protocols: ['amqp', 'amqps'],
    localDefault: 'amqp://guest:guest@127.0.0.1:5672',
    secret: true,
  }),
  /** A prefix for exchange and queue names, so a test run or a second local stack lives beside the default one. */
  AMQP_NAMESPACE: envVar.string({ default: '', allowEmpty: true }),
  RPC_TIMEOUT_MS: envVar.int({ min: 1, max: 600_000, default: 2000 }),
});

/** Tracing is off while OTEL_EXPORTER_OTLP_ENDPOINT is unset. */
export function otelEnv(service: string) {
  return z.object({
    OTEL_EXPORTER_OTLP_ENDPOINT: envVar.url({ protocols: ['http', 'https'], optional: true }),
    OTEL_SERVICE_NAME: envVar.string({ default: `kasho-${service}` }),
  });
}
