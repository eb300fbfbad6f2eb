export { ConfigError, isConfigError } from './config-error';
export type { ConfigIssue } from './config-error';
export { envVar, envVarMeta } from './env-var';
export type {
  EnvVarMeta,
  EnvVarOptions,
  EnvVarSchema,
  IntVarOptions,
  StringVarOptions,
  UrlVarOptions,
} from './env-var';
export { loadConfig } from './load-config';
export { exitOnConfigError, loadConfigOrExit } from './exit-on-config-error';
export {
  amqpEnv,
  commonEnv,
  httpEnv,
  LOG_LEVELS,
  NODE_ENVS,
  otelEnv,
  postgresEnv,
  redisEnv,
} from './fragments';
export type { LogLevel, NodeEnv } from './fragments';
