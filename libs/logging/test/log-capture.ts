import { Writable } from 'node:stream';
import { createLogger, type LoggerOptions } from '../src/logger';

/** A logger writing into memory: what the assertions read is exactly what pino wrote. */
export function captureLogs(options: Partial<LoggerOptions> = {}) {
  const chunks: string[] = [];
  const logger = createLogger({
    service: 'test-service',
    version: '1.2.3',
    level: 'trace',
    pretty: false,
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    }),
    ...options,
  });
  const raw = () => chunks.join('');
  const lines = () =>
    raw()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, lines };
}
