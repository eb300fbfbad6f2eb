import { z } from 'zod';
import {
  amqpEnv,
  commonEnv,
  ConfigError,
  envVar,
  exitOnConfigError,
  httpEnv,
  loadConfig,
  otelEnv,
  postgresEnv,
  redisEnv,
} from './index';

const schema = z.object({
  ...commonEnv.shape,
  ...httpEnv(3002).shape,
  ...postgresEnv('account').shape,
  ...redisEnv('account').shape,
  ...amqpEnv.shape,
  ...otelEnv('account').shape,
  SIGNING_SECRET: envVar.string({ localDefault: 'local-only-signing-secret', secret: true }),
});

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives a valid local config with zero configuration', () => {
    const config = loadConfig(schema, {});
    expect(config).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      LOG_PRETTY: false,
      SERVICE_VERSION: '0.0.0-local',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 3002,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kasho_account',
      DATABASE_POOL_SIZE: 10,
      DATABASE_MIGRATE_ON_START: true,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'kasho:account:',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      AMQP_NAMESPACE: '',
      RPC_TIMEOUT_MS: 2000,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_SERVICE_NAME: 'kasho-account',
      SIGNING_SECRET: 'local-only-signing-secret',
    });
    // The parsed values are typed: a port is a number, a flag a boolean.
    const port: number = config.HTTP_PORT;
    const migrate: boolean = config.DATABASE_MIGRATE_ON_START;
    const endpoint: string | undefined = config.OTEL_EXPORTER_OTLP_ENDPOINT;
    expect([port, migrate, endpoint]).toEqual([3002, true, undefined]);
  });

  it('parses given values', () => {
    const config = loadConfig(schema, {
      HTTP_PORT: '8080',
      LOG_PRETTY: 'yes',
      DATABASE_MIGRATE_ON_START: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      NODE_ENV: 'test',
    });
    expect(config).toMatchObject({
      HTTP_PORT: 8080,
      LOG_PRETTY: true,
      DATABASE_MIGRATE_ON_START: false,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      NODE_ENV: 'test',
    });
  });

  it('names a bad value and shows what it got', () => {
    const error = configError({ HTTP_PORT: 'abc' });
    expect(error.message).toBe('Invalid configuration: HTTP_PORT: expected an integer 1-65535, got "abc"');
    expect(error.issues).toEqual([
      { variable: 'HTTP_PORT', problem: 'expected an integer 1-65535, got "abc"' },
    ]);
  });

  it('names every bad variable at once', () => {
    const error = configError({ HTTP_PORT: '70000', NODE_ENV: 'prod', LOG_PRETTY: 'maybe' });
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      'HTTP_PORT',
      'LOG_PRETTY',
      'NODE_ENV',
    ]);
    expect(error.message).toContain('NODE_ENV: expected one of development, test, production, got "prod"');
    expect(error.message).toContain('LOG_PRETTY: expected true or false, got "maybe"');
  });

  it('never prints the value of a secret', () => {
    const error = configError({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(error.message).toBe(
      'Invalid configuration: DATABASE_URL: expected a postgres:// or postgresql:// URL (value hidden)',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('requires URLs and secrets in production instead of defaulting to localhost', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.issues).toEqual([
      { variable: 'DATABASE_URL', problem: 'required in production (the local default does not apply)' },
      { variable: 'REDIS_URL', problem: 'required in production (the local default does not apply)' },
      { variable: 'AMQP_URL', problem: 'required in production (the local default does not apply)' },
      { variable: 'SIGNING_SECRET', problem: 'required in production (the local default does not apply)' },
    ]);
  });

  it('uses production defaults where they are safe', () => {
    const config = loadConfig(schema, {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://account:pw@db.internal:5432/account',
      REDIS_URL: 'rediss://cache.internal:6380',
      AMQP_URL: 'amqps://account:pw@mq.internal:5671',
      SIGNING_SECRET: 'from-the-secret-store',
    });
    expect(config).toMatchObject({
      HTTP_HOST: '0.0.0.0',
      DATABASE_MIGRATE_ON_START: false,
      SERVICE_VERSION: 'unknown',
    });
  });

  it('names a missing required value', () => {
    const required = z.object({ ...commonEnv.shape, PARTNER_API_KEY: envVar.string({ secret: true }) });
    expect(() => loadConfig(required, { PARTNER_API_KEY: '' })).toThrow(
      new ConfigError([{ variable: 'PARTNER_API_KEY', problem: 'required but not set' }]),
    );
    expect(loadConfig(required, { PARTNER_API_KEY: 'k' }).PARTNER_API_KEY).toBe('k');
  });

  it('reads process.env by default', () => {
    // Jest sets NODE_ENV=test.
    expect(loadConfig(commonEnv).NODE_ENV).toBe(process.env.NODE_ENV ?? 'development');
  });
});

describe('envVar', () => {
  it('checks patterns with a readable expectation', () => {
    const named = z.object({ QUEUE: envVar.string({ pattern: /^[a-z.]+$/, expected: 'a lowercase name' }) });
    expect(() => loadConfig(named, { QUEUE: 'Bad Name' })).toThrow(
      'Invalid configuration: QUEUE: expected a lowercase name, got "Bad Name"',
    );
  });

  it('shortens long values in messages', () => {
    const error = configError({ HTTP_HOST: '', HTTP_PORT: 'x'.repeat(200) });
    expect(error.message.length).toBeLessThan(150);
  });
});

describe('exitOnConfigError', () => {
  it('prints a ConfigError as one line on stderr and exits with status 1', () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const exit = jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new Error(`exit ${String(code)}`);
    });
    try {
      expect(() => exitOnConfigError(configError({ HTTP_PORT: '0' }))).toThrow('exit 1');
      expect(written).toEqual(['Invalid configuration: HTTP_PORT: expected an integer 1-65535, got "0"\n']);
    } finally {
      write.mockRestore();
      exit.mockRestore();
    }
  });

  it('rethrows anything else', () => {
    const bug = new TypeError('a bug');
    expect(() => exitOnConfigError(bug)).toThrow(bug);
  });
});
