import type { LoggerService } from '@nestjs/common';

/** The slice of a Nest logger messaging uses, with void returns (Nest types them `any`). */
export interface MessagingLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
  debug(message: string): void;
}

export function messagingLogger(logger: LoggerService): MessagingLogger {
  return {
    log: (message) => {
      logger.log(message);
    },
    warn: (message) => {
      logger.warn(message);
    },
    error: (message, stack) => {
      if (stack === undefined) logger.error(message);
      else logger.error(message, stack);
    },
    debug: (message) => {
      logger.debug?.(message);
    },
  };
}
