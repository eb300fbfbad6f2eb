import { Logger } from '@nestjs/common';
import { captureLogs } from '../test/log-capture';
import { PinoNestLogger } from './pino-nest-logger';

function capture() {
  const { logger, lines } = captureLogs();
  return { pinoLogger: logger, nestLogger: new PinoNestLogger(logger), lines };
}

describe('PinoNestLogger', () => {
  afterEach(() => {
    Logger.overrideLogger(false);
  });

  it("routes Nest's Logger calls to pino with the level and context name", () => {
    const { nestLogger, lines } = capture();
    Logger.overrideLogger(nestLogger);
    const logger = new Logger('TransfersService');
    logger.log('posted');
    logger.warn('slow');
    logger.debug('details');
    logger.verbose('chatter');
    logger.fatal('gone');
    Logger.log('static call', 'Bootstrap');
    expect(lines().map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([
      { level: 'info', context: 'TransfersService', msg: 'posted' },
      { level: 'warn', context: 'TransfersService', msg: 'slow' },
      { level: 'debug', context: 'TransfersService', msg: 'details' },
      { level: 'trace', context: 'TransfersService', msg: 'chatter' },
      { level: 'fatal', context: 'TransfersService', msg: 'gone' },
      { level: 'info', context: 'Bootstrap', msg: 'static call' },
    ]);
  });

  it('keeps the stack Nest passes to error(), scrubbed', () => {
    const { nestLogger, lines } = capture();
    Logger.overrideLogger(nestLogger);
    const error = new Error('card 4111111111111111 declined');
    new Logger('ExceptionsHandler').error(error.message, error.stack);
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'error',
      context: 'ExceptionsHandler',
      msg: 'card [REDACTED] declined',
    });
    expect(line.stack).toEqual(expect.stringContaining('pino-nest-logger.spec.ts'));
    expect(JSON.stringify(line)).not.toContain('4111111111111111');
  });

  it('logs an Error object as err and a plain object as fields', () => {
    const { nestLogger, lines } = capture();
    nestLogger.error(new TypeError('boom'), 'Worker');
    nestLogger.log({ msg: 'consumed', queue: 'payment.events', email: 'a@b.example' }, 'Consumer');
    const [errorLine, objectLine] = lines();
    expect(errorLine).toMatchObject({
      context: 'Worker',
      msg: 'boom',
      err: { type: 'TypeError', message: 'boom' },
    });
    expect(objectLine).toMatchObject({
      context: 'Consumer',
      msg: 'consumed',
      queue: 'payment.events',
      email: '[REDACTED]',
    });
  });

  it('keeps extra parameters and an error without a stack', () => {
    const { nestLogger, lines } = capture();
    nestLogger.error('failed', undefined, 'Relay');
    nestLogger.log('with extras', { attempt: 2 }, 'Relay');
    const [errorLine, extrasLine] = lines();
    expect(errorLine).toMatchObject({ context: 'Relay', msg: 'failed' });
    expect(errorLine).not.toHaveProperty('params');
    expect(extrasLine).toMatchObject({ context: 'Relay', msg: 'with extras', params: [{ attempt: 2 }] });
  });

  it('maps setLogLevels to the most verbose enabled level', () => {
    const { pinoLogger, nestLogger } = capture();
    nestLogger.setLogLevels(['error', 'warn', 'log']);
    expect(pinoLogger.level).toBe('info');
    nestLogger.setLogLevels([]);
    expect(pinoLogger.level).toBe('silent');
  });
});
