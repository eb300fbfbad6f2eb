export { currentContext, runWithContext } from './request-context';
export type { RequestContext } from './request-context';
export { createLogger, shouldPrettyPrint } from './logger';
export type { Logger, LoggerOptions, LogLevel } from './logger';
export { PinoNestLogger } from './pino-nest-logger';
export { REDACTED, isSensitiveKey, passesLuhn, redactPaths, scrubString, scrubValue } from './redaction';
export { REQUEST_ID_HEADER, resolveRequestId } from './request-id';
export { isUuid, uuidv7 } from './uuidv7';
export {
  UNMATCHED_ROUTE,
  registerRequestContext,
  registerRequestLogging,
  requestContextOf,
  routeOf,
} from './http-request-context';
export type { RequestLoggingOptions } from './http-request-context';
export type { HookDone, HookReply, HookRequest, HttpHookHost, RequestHook } from './http-hooks';
