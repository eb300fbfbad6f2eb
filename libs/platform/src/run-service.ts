import { createLogger, PinoNestLogger, registerRequestContext, registerRequestLogging } from '@kasho/logging';
import {
  HealthService,
  registerHttpMetrics,
  registerHttpTracing,
  startTracing,
  type TracingHandle,
} from '@kasho/observability';
import { type DynamicModule, type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/** The settings every service's config has (see @kasho/config's fragments). */
export interface RuntimeConfig {
  NODE_ENV: 'development' | 'test' | 'production';
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  LOG_PRETTY: boolean;
  SERVICE_VERSION: string;
  HTTP_HOST: string;
  HTTP_PORT: number;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}

export interface RunServiceOptions<C extends RuntimeConfig> {
  service: string;
  config: C;
  module: Type<unknown> | DynamicModule;
  /** Gateway-only HTTP set-up (OpenAPI, error filter, …) before it listens. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /** How long SIGTERM may take before the process exits anyway. */
  shutdownTimeoutMs?: number;
}

export interface RunningService {
  app: NestFastifyApplication;
  url: string;
  stop(): Promise<void>;
}

/** Largest accepted request body; a larger one gets 413 (API.md). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Boots one service: tracing first (so every later span has a provider), the pino logger behind Nest's Logger,
 * Fastify with request ids, request logs, metrics and server spans, then listens. SIGTERM/SIGINT stop it
 * gracefully: readiness fails at once, consumers stop and in-flight work finishes (messaging drains and flushes
 * the outbox in `beforeApplicationShutdown`), the HTTP server closes, pools close, spans flush.
 */
export async function startService<C extends RuntimeConfig>(
  options: RunServiceOptions<C>,
): Promise<RunningService> {
  const { config, service } = options;
  const tracing: TracingHandle = startTracing({
    serviceName: `kasho-${service}`,
    serviceVersion: config.SERVICE_VERSION,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger({
    service,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
    version: config.SERVICE_VERSION,
  });
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, return503OnClosing: true });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerHttpTracing(fastify);
  registerRequestContext(fastify);
  registerRequestLogging(fastify, logger);
  registerHttpMetrics(fastify);
  await options.configure?.(app);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const url = await app.getUrl();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      markNotReady(app);
      await app.close();
      await tracing.shutdown();
      logger.flush();
    })());
  return { app, url, stop };
}

function markNotReady(app: INestApplication): void {
  try {
    app.get(HealthService, { strict: false }).markShuttingDown();
  } catch {
    // a service without health checks has nothing to mark
  }
}

/** `main.ts`: start the service and stop it cleanly on SIGTERM or SIGINT; any start-up failure exits 1. */
export function runService<C extends RuntimeConfig>(options: RunServiceOptions<C>): void {
  const logger = new Logger('Bootstrap');
  startService(options).then(
    (running) => {
      logger.log(`${options.service} listening on ${running.url}`);
      const onSignal = (signal: NodeJS.Signals): void => {
        logger.log(`${signal} received: stopping gracefully`);
        const timeoutMs = options.shutdownTimeoutMs ?? 25_000;
        setTimeout(() => {
          logger.error(`graceful stop took longer than ${timeoutMs} ms; exiting`);
          process.exit(1);
        }, timeoutMs).unref();
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error('graceful stop failed', error instanceof Error ? error.stack : String(error));
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
    (error: unknown) => {
      logger.error(
        `${options.service} failed to start`,
        error instanceof Error ? error.stack : String(error),
      );
      process.exit(1);
    },
  );
}
