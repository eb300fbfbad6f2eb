import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { captureLogs as capture } from '../test/log-capture';
import { shouldPrettyPrint } from './logger';
import { REDACTED } from './redaction';
import { runWithContext } from './request-context';

const SECRETS = {
  password: 'hunter2-Correct-Horse',
  token: 'tok_live_9f8e7d6c5b4a',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXZhbHVl',
  card: '4111 1111 1111 1111',
  cardDigits: '4111111111111111',
  amex: '378282246310005',
  iban: 'DE89370400440532013000',
  printedIban: 'GB82 WEST 1234 5698 7654 32',
  email: 'jane.doe@example.com',
  phone: '+447911123456',
  apiKey: 'ak_5a4b3c2d1e',
  clientSecret: 'cs_0a9b8c7d6e5f',
};

describe('createLogger', () => {
  it('writes JSON lines with the base fields, ISO time and level name', () => {
    const { logger, lines } = capture();
    logger.info({ amount: 1050 }, 'transfer posted');
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info',
      service: 'test-service',
      version: '1.2.3',
      pid: process.pid,
      amount: 1050,
      msg: 'transfer posted',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('never writes secrets or PII given as fields, at any depth', () => {
    const { logger, raw, lines } = capture();
    logger.info(
      {
        password: SECRETS.password,
        body: { newPassword: SECRETS.password, currentPassword: SECRETS.password, email: SECRETS.email },
        req: {
          headers: { authorization: `Bearer ${SECRETS.jwt}`, cookie: 'sid=1', 'x-api-key': SECRETS.apiKey },
        },
        card: { number: SECRETS.cardDigits, cvc: '737', expMonth: 12 },
        payout: { destination: { account: { iban: SECRETS.iban, holderName: 'Jane Doe' } } },
        deep: { a: { b: { c: { d: { refreshToken: SECRETS.token, clientSecret: SECRETS.clientSecret } } } } },
        contact: { phone: SECRETS.phone },
        list: [{ accessToken: SECRETS.token }],
      },
      'request body',
    );
    expectNoSecrets(raw());
    const [line] = lines();
    expect(line).toMatchObject({
      password: REDACTED,
      req: { headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED } },
      card: { number: REDACTED, cvc: REDACTED, expMonth: 12 },
    });
  });

  it('scrubs secrets and PII from free text: messages, interpolations, errors and child bindings', () => {
    const { logger, raw } = capture();
    logger.info(`charging ${SECRETS.card} for ${SECRETS.email}`);
    logger.warn('payout to %s by %s with %j', SECRETS.printedIban, SECRETS.email, { note: SECRETS.amex });
    logger.info({ detail: `Authorization: Bearer ${SECRETS.jwt}` }, 'upstream said no');
    logger.error(new Error(`card ${SECRETS.cardDigits} refused for ${SECRETS.email}`));
    logger.error({ err: new Error(`iban ${SECRETS.iban} invalid`) });
    logger.error(
      { err: new TypeError(`bad ${SECRETS.amex}`, { cause: new Error(SECRETS.email) }) },
      'failed',
    );
    const child = logger.child({ customerEmail: SECRETS.email, note: `card ${SECRETS.card}` });
    child.info('child line');
    child.child({ grandchild: SECRETS.email }).info('grandchild line');
    child.setBindings({ later: SECRETS.iban });
    child.info('after setBindings');
    logger.info({ msg: `message field with ${SECRETS.email}` });
    expectNoSecrets(raw());
  });

  it('keeps the error type, a scrubbed message and the stack', () => {
    const { logger, lines } = capture();
    logger.error(new RangeError(`no account for ${SECRETS.email}`));
    const [line] = lines();
    expect(line).toMatchObject({ level: 'error', msg: `no account for ${REDACTED}` });
    expect(line.err).toMatchObject({ type: 'RangeError', message: `no account for ${REDACTED}` });
    expect((line.err as { stack: string }).stack).toContain('logger.spec.ts');
  });

  it('adds the request and correlation ids of the current context', () => {
    const { logger, lines } = capture();
    logger.info('outside');
    runWithContext({ requestId: 'req-1', correlationId: 'corr-1' }, () => logger.info('inside'));
    const [outside, inside] = lines();
    expect(outside).not.toHaveProperty('requestId');
    expect(outside).not.toHaveProperty('correlationId');
    expect(inside).toMatchObject({ requestId: 'req-1', correlationId: 'corr-1' });
  });

  it('adds the active trace and span ids', () => {
    const provider = new NodeTracerProvider();
    provider.register();
    try {
      const { logger, lines } = capture();
      trace.getTracer('test').startActiveSpan('work', (span) => {
        logger.info('in a span');
        span.end();
      });
      const { traceId, spanId } = lines()[0];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  });

  it('respects the level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines().map((line) => line.msg)).toEqual(['kept']);
  });

  it('prints human-readable lines when pretty, still without secrets', async () => {
    const { logger, raw } = capture({ pretty: true });
    logger.info({ password: SECRETS.password }, `hello ${SECRETS.email}`);
    // pino-pretty formats in a stream of its own: wait for the line to come out.
    for (let attempt = 0; attempt < 100 && !raw().includes('hello'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const output = raw();
    expect(output).toContain('INFO');
    expect(output).toContain(`hello ${REDACTED}`);
    expect(() => JSON.parse(output) as unknown).toThrow();
    expectNoSecrets(output);
  });
});

describe('shouldPrettyPrint', () => {
  it('is pretty at a terminal outside production only', () => {
    expect(shouldPrettyPrint({}, true)).toBe(true);
    expect(shouldPrettyPrint({}, false)).toBe(false);
    expect(shouldPrettyPrint({ NODE_ENV: 'production' }, true)).toBe(false);
  });

  it('follows LOG_PRETTY when set', () => {
    expect(shouldPrettyPrint({ LOG_PRETTY: 'true', NODE_ENV: 'production' }, false)).toBe(true);
    expect(shouldPrettyPrint({ LOG_PRETTY: 'false' }, true)).toBe(false);
  });
});

function expectNoSecrets(output: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    if (output.includes(secret)) throw new Error(`${name} leaked into the log: ${output}`);
  }
  expect(output).not.toContain('"737"');
}
