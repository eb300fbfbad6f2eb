import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type LevelWithSilent, type LogFn, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { REDACTED, redactPaths, scrubString, scrubValue } from './redaction';
import { currentContext } from './request-context';

export type { Logger } from 'pino';
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  /** The service name on every line (`gateway`, `transaction`, …). */
  service: string;
  /** Default: `LOG_LEVEL`, else `info`. */
  level?: LogLevel;
  /** Human-readable output. Default: see `shouldPrettyPrint`. */
  pretty?: boolean;
  /** Default: `SERVICE_VERSION`, else `npm_package_version`, else `0.0.0`. */
  version?: string;
  /** Where lines go. Default: stdout. Tests pass a stream to read what was really written. */
  destination?: DestinationStream;
}

/**
 * Pretty output is for people at a terminal: `LOG_PRETTY=true|false` decides if set; otherwise only when stdout is
 * a TTY outside production. Anything collected by a machine (containers, CI, files) gets JSON.
 */
export function shouldPrettyPrint(
  env: NodeJS.ProcessEnv = process.env,
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): boolean {
  if (env.LOG_PRETTY === 'true') return true;
  if (env.LOG_PRETTY === 'false') return false;
  return stdoutIsTty && env.NODE_ENV !== 'production';
}

/** The ids that tie a line to its request, its unit of work and its trace. */
function correlationFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const context = currentContext();
  if (context?.requestId) fields.requestId = context.requestId;
  if (context) fields.correlationId = context.correlationId;
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}

/**
 * The message pino would derive from an error when none is given; scrubbed here because pino takes it straight
 * from `err.message`, past the formatters.
 */
function implicitMessage(mergingObject: object): string | undefined {
  if (mergingObject instanceof Error) return mergingObject.message;
  const record = mergingObject as { msg?: unknown; err?: { message?: unknown } | null };
  if (record.msg === undefined && typeof record.err?.message === 'string') return record.err.message;
  return undefined;
}

/**
 * Scrubs everything pino would interpolate into the message: the message itself and its `%s`/`%j`/`%o`
 * arguments. The merging object (first argument) is left to `formatters.log`.
 */
function scrubLogArguments(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as unknown[];
  const scrubbed: unknown[] = rest.map((arg) => scrubValue(arg));
  if (typeof first === 'object' && first !== null) {
    if (scrubbed.length === 0) {
      const message = implicitMessage(first);
      if (message !== undefined) scrubbed.push(scrubString(message));
    }
    scrubbed.unshift(first);
  } else {
    scrubbed.unshift(scrubValue(first));
  }
  method.apply(this, scrubbed as Parameters<LogFn>);
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/**
 * The process logger: pino, JSON lines with `service`, `version`, `pid`, ISO time and the level name; the request
 * id, correlation id and active trace/span ids on every line; secrets and PII redacted by key at any depth and by
 * shape inside text (card numbers, IBANs, emails, bearer tokens, JWTs).
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const version =
    options.version ?? process.env.SERVICE_VERSION ?? process.env.npm_package_version ?? '0.0.0';
  const pretty = options.pretty ?? shouldPrettyPrint();
  const destination: DestinationStream | undefined = pretty
    ? pinoPretty({
        destination: options.destination ?? 1,
        colorize: options.destination === undefined,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,service,version',
      })
    : options.destination;

  const loggerOptions: pino.LoggerOptions = {
    level,
    base: { service: options.service, version, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: correlationFields,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => asRecord(scrubValue(object)),
      bindings: (bindings) => asRecord(scrubValue(bindings)),
    },
    // Errors are already serialised (and scrubbed) by the log formatter; serialising again would lose the type.
    serializers: { err: (value: unknown) => value },
    hooks: { logMethod: scrubLogArguments },
    redact: { paths: redactPaths(), censor: REDACTED },
  };
  const logger = destination ? pino(loggerOptions, destination) : pino(loggerOptions);
  scrubChildBindings(logger);
  return logger;
}

/**
 * pino applies `formatters.bindings` to the root's base fields only; a child's bindings go straight to the line.
 * Children inherit from the root through the prototype chain, so wrapping the root's `child` and `setBindings`
 * covers every descendant.
 */
function scrubChildBindings(logger: Logger): void {
  // Taken unbound on purpose: called below with the child logger as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const child = logger.child;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setBindings = logger.setBindings;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, asRecord(scrubValue(bindings)), options);
  } as Logger['child'];
  logger.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, asRecord(scrubValue(bindings)));
  };
}
