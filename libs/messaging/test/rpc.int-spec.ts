import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { defineRpc } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { currentContext, runWithContext } from '@kasho/logging';
import { createTestNamespace } from '@kasho/testing';
import { Messaging } from '../src';
import { type RecordingLogger, sleep, teardown, testOptions, waitFor } from './support/messaging-test-kit';

interface BalanceRequest {
  accountId: string;
}
interface BalanceResponse {
  accountId: string;
  balance: string;
  correlationId: string | undefined;
  traceparent: string | undefined;
}

const GetBalance = defineRpc<BalanceRequest, BalanceResponse>('account', 'balance.get');
const SlowEcho = defineRpc<{ delayMs: number; tag: string }, { tag: string }>('account', 'slow.echo');
const AlwaysFails = defineRpc<{ kind: 'domain' | 'unexpected' }, never>('account', 'always.fails');
const NotServedHere = defineRpc<Record<string, never>, never>('account', 'not.served');
const NobodyServes = defineRpc<Record<string, never>, never>('payment', 'nobody.home');

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register();

describe('RPC over RabbitMQ', () => {
  const namespace = createTestNamespace('rpc');
  const serverOptions = testOptions(namespace, 'account');
  const clientOptions = testOptions(namespace, 'gateway');
  const serverLogs = serverOptions.logger as RecordingLogger;
  const clientLogs = clientOptions.logger as RecordingLogger;
  let server: Messaging;
  let client: Messaging;

  beforeAll(async () => {
    server = new Messaging(serverOptions);
    server.rpcServer.handle(GetBalance, ({ accountId }) => ({
      accountId,
      balance: '1250',
      correlationId: currentContext()?.correlationId,
      traceparent: trace.getSpan(context.active())?.spanContext().traceId,
    }));
    server.rpcServer.handle(SlowEcho, async ({ delayMs, tag }) => {
      await sleep(delayMs);
      return { tag };
    });
    server.rpcServer.handle(AlwaysFails, ({ kind }) => {
      if (kind === 'domain') {
        throw new DomainError(ErrorCode.ValidationFailed, 'accountId is not an account id', {
          errors: [{ pointer: '/accountId', detail: 'must be a UUID' }],
        });
      }
      throw new Error('relation "accounts" does not exist at db-primary.internal');
    });
    await server.start();
    client = await Messaging.connect(clientOptions);
  });

  afterAll(async () => {
    await teardown(client, server);
    await provider.shutdown();
  });

  it('answers a call, carrying the correlation id and the trace to the handler', async () => {
    const explicit = await client.rpcClient.call(
      GetBalance,
      { accountId: 'a-1' },
      { correlationId: 'corr-explicit' },
    );
    expect(explicit).toMatchObject({ accountId: 'a-1', balance: '1250', correlationId: 'corr-explicit' });

    const fromContext = await runWithContext({ correlationId: 'corr-from-context' }, () =>
      client.rpcClient.call(GetBalance, { accountId: 'a-2' }),
    );
    expect(fromContext.correlationId).toBe('corr-from-context');

    // Too long (or not printable ASCII) for the AMQP property it normally shares with the call id: sent as a header.
    const long = 'c'.repeat(240);
    const unusual = 'corrélation id';
    for (const correlationId of [long, unusual]) {
      const answered = await client.rpcClient.call(GetBalance, { accountId: 'a-9' }, { correlationId });
      expect(answered.correlationId).toBe(correlationId);
    }

    spans.reset();
    const tracer = trace.getTracer('test');
    const traced = await tracer.startActiveSpan('http request', async (root) => {
      try {
        return await client.rpcClient.call(GetBalance, { accountId: 'a-3' });
      } finally {
        root.end();
      }
    });
    const finished = spans.getFinishedSpans();
    const clientSpan = finished.find(
      (span) => span.name === 'account/balance.get' && span.kind === SpanKind.CLIENT,
    );
    const serverSpan = finished.find(
      (span) => span.name === 'account/balance.get' && span.kind === SpanKind.SERVER,
    );
    expect(clientSpan && serverSpan).toBeTruthy();
    expect(serverSpan?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(traced.traceparent).toBe(clientSpan?.spanContext().traceId);
  });

  it('matches many concurrent replies to their calls', async () => {
    const ids = Array.from({ length: 200 }, (_, index) => `acc-${index}`);
    const replies = await Promise.all(
      ids.map((accountId) => client.rpcClient.call(GetBalance, { accountId })),
    );
    expect(replies.map((reply) => reply.accountId)).toEqual(ids);
  });

  it('re-throws a remote DomainError with the same code, detail and field errors', async () => {
    const failure = client.rpcClient.call(AlwaysFails, { kind: 'domain' });
    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
      detail: 'accountId is not an account id',
      errors: [{ pointer: '/accountId', detail: 'must be a UUID' }],
      retryable: false,
    });
  });

  it('turns an unexpected remote error into internal_error without leaking it, and logs it on the server', async () => {
    const error = await client.rpcClient
      .call(AlwaysFails, { kind: 'unexpected' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.InternalError);
    expect(JSON.stringify((error as DomainError).toJSON())).not.toMatch(/accounts|db-primary/);
    expect(serverLogs.messages('error').some((line) => line.includes('db-primary.internal'))).toBe(true);
  });

  it('answers a method the service does not serve with internal_error', async () => {
    await expect(client.rpcClient.call(NotServedHere, {})).rejects.toMatchObject({
      code: ErrorCode.InternalError,
    });
  });

  it('fails past the deadline with upstream_timeout and drops the late reply', async () => {
    const started = Date.now();
    const late = client.rpcClient.call(SlowEcho, { delayMs: 400, tag: 'late' }, { timeoutMs: 100 });
    await expect(late).rejects.toMatchObject({ code: ErrorCode.UpstreamTimeout, retryable: true });
    expect(Date.now() - started).toBeLessThan(350);

    // A call made while the late reply is on its way gets its own answer, not the late one.
    const next = client.rpcClient.call(SlowEcho, { delayMs: 0, tag: 'next' }, { timeoutMs: 2_000 });
    await expect(next).resolves.toEqual({ tag: 'next' });

    await waitFor(
      () => clientLogs.messages('debug').some((line) => line.includes('Dropped an RPC reply')),
      'the late reply to arrive and be dropped',
    );
    expect(client.rpcClient.inFlight).toBe(0);
    await expect(client.rpcClient.call(SlowEcho, { delayMs: 0, tag: 'after' })).resolves.toEqual({
      tag: 'after',
    });
  });

  it('fails fast with service_unavailable when no service listens for the method', async () => {
    const started = Date.now();
    await expect(client.rpcClient.call(NobodyServes, {}, { timeoutMs: 2_000 })).rejects.toMatchObject({
      code: ErrorCode.ServiceUnavailable,
      retryable: true,
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives service_unavailable (retryable) when the broker cannot be reached', async () => {
    const unreachable = new Messaging({
      ...testOptions(namespace, 'gateway'),
      url: 'amqp://guest:guest@127.0.0.1:1',
      connectTimeoutMs: 300,
    });
    try {
      await expect(unreachable.connect()).rejects.toMatchObject({
        code: ErrorCode.ServiceUnavailable,
        retryable: true,
      });
      await expect(
        unreachable.rpcClient.call(GetBalance, { accountId: 'x' }, { timeoutMs: 150 }),
      ).rejects.toMatchObject({
        code: ErrorCode.ServiceUnavailable,
        retryable: true,
      });
      expect(unreachable.isHealthy()).toBe(false);
    } finally {
      await unreachable.close();
    }
  });

  it('reports health', async () => {
    expect(client.isHealthy()).toBe(true);
    await expect(client.ping()).resolves.toBe(true);
  });
});
