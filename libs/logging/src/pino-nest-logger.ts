import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const LEVEL_OF: Record<NestLogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Most verbose first, so the first enabled Nest level gives the pino threshold. */
const NEST_LEVELS_BY_VERBOSITY: NestLogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

const looksLikeStack = (value: unknown): value is string =>
  typeof value === 'string' && /\n\s+at /.test(value);

/**
 * Routes Nest's `Logger` (framework messages and every `new Logger(Context)` in the libs and services) to pino.
 * Install with `NestFactory.create(AppModule, adapter, { logger: new PinoNestLogger(logger) })` or
 * `{ bufferLogs: true }` + `app.useLogger(...)`.
 *
 * Nest calls `log(message, context)`, `error(message, stack?, context)`: a trailing string is the context name
 * (written as `context`), a stack-shaped string given to `error`/`fatal` is the stack.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  setLogLevels(levels: NestLogLevel[]): void {
    const mostVerbose = NEST_LEVELS_BY_VERBOSITY.find((level) => levels.includes(level));
    this.logger.level = mostVerbose ? LEVEL_OF[mostVerbose] : 'silent';
  }

  private write(nestLevel: NestLogLevel, message: unknown, optionalParams: unknown[]): void {
    const level = LEVEL_OF[nestLevel];
    if (!this.logger.isLevelEnabled(level)) return;

    const params = [...optionalParams];
    const fields: Record<string, unknown> = {};
    const last = params.at(-1);
    if (params.length > 0 && typeof last === 'string' && !looksLikeStack(last)) {
      fields.context = last;
      params.pop();
    }
    if ((nestLevel === 'error' || nestLevel === 'fatal') && params.length > 0) {
      const first = params[0];
      if (first === undefined || looksLikeStack(first)) {
        params.shift();
        if (first !== undefined && !(message instanceof Error)) fields.stack = first;
      }
    }
    if (params.length > 0) fields.params = params;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
