import type { Channel, ConsumeMessage } from 'amqplib';
import { context, SpanKind, SpanStatusCode, trace, type SpanOptions } from '@opentelemetry/api';
import { rpcRoutingKey, type BackendServiceName, type RpcContract } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { runWithContext } from '@kasho/logging';
import { errorMessage, withinTime } from '../common/async-utils';
import {
  CORRELATION_ID_HEADER,
  extractTraceContext,
  headerString,
  messagingTracer,
} from '../common/message-headers';
import type { MessagingMetrics } from '../common/metrics';
import { uuidv7 } from '@kasho/logging';
import type { AmqpConnectionManager } from '../connection/connection-manager';
import type { ManagedChannel } from '../connection/managed-channel';
import type { ResolvedMessagingOptions } from '../messaging-options';
import { declareRpcQueue, type TopologyNames, type TopologyRegistry } from '../topology/topology';
import { AckBatcher } from './ack-batcher';
import { encodeJson, JSON_CONTENT_TYPE, replyForError, unpackCallId, type RpcReply } from './rpc-wire';
import type { MessagingLogger } from '../common/messaging-logger';

export interface RpcHandlerContext {
  correlationId: string;
  method: string;
}

export type RpcHandlerFunction<Request, Response> = (
  request: Request,
  context: RpcHandlerContext,
) => Promise<Response> | Response;

type ServerOutcome = 'ok' | 'domain_error' | 'internal_error';

/** One served method, with what every request of it shares computed once. */
interface RegisteredMethod {
  method: string;
  handler: RpcHandlerFunction<unknown, unknown>;
  spanName: string;
  spanOptions: SpanOptions;
  durations: Record<ServerOutcome, { observe(seconds: number): void }>;
}

/**
 * Serves this service's RPC methods from its queue `rpc.<service>`. Handlers run inside the caller's correlation
 * context and trace; a DomainError goes back as its stable code, anything else as internal_error (and is logged
 * here, where the message is safe to read). The request is acknowledged after the reply is sent; prefetch bounds
 * how many run at once per replica.
 */
export class RpcServer {
  private readonly handlers = new Map<string, RegisteredMethod>();
  private channel: ManagedChannel<Channel> | undefined;
  private consumer: { channel: Channel; tag: string; acks: AckBatcher } | undefined;
  private accepting = false;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly tracer = messagingTracer();
  private readonly logger: MessagingLogger;

  constructor(
    private readonly connection: AmqpConnectionManager,
    private readonly names: TopologyNames,
    private readonly registry: TopologyRegistry,
    private readonly options: ResolvedMessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.logger = options.logger;
  }

  handle<Request, Response>(
    contract: RpcContract<Request, Response>,
    handler: RpcHandlerFunction<Request, Response>,
  ): void {
    if (contract.service !== this.options.service) {
      throw new Error(`${this.options.service} cannot serve ${contract.service}.${contract.method}`);
    }
    const key = rpcRoutingKey(contract);
    if (this.handlers.has(key)) throw new Error(`RPC ${key} already has a handler`);
    this.handlers.set(key, this.register(contract.method, handler as RpcHandlerFunction<unknown, unknown>));
    if (this.accepting && !this.channel) {
      this.start().catch((error: unknown) =>
        this.logger.error(`RPC server failed to start: ${errorMessage(error)}`),
      );
    }
  }

  get methods(): string[] {
    return [...this.handlers.values()].map(({ method }) => method);
  }

  private register(method: string, handler: RpcHandlerFunction<unknown, unknown>): RegisteredMethod {
    const service = this.options.service;
    const durations = (outcome: ServerOutcome): { observe(seconds: number): void } =>
      this.metrics.rpcServerDuration.labels({ service, method, outcome });
    return {
      method,
      handler,
      spanName: `${service}/${method}`,
      spanOptions: {
        kind: SpanKind.SERVER,
        attributes: { 'rpc.system': 'rabbitmq', 'rpc.service': service, 'rpc.method': method },
      },
      durations: {
        ok: durations('ok'),
        domain_error: durations('domain_error'),
        internal_error: durations('internal_error'),
      },
    };
  }

  /** A method this replica does not serve (version skew): answered with internal_error, not silence. */
  private unserved(routingKey: string): RegisteredMethod {
    const method = routingKey.slice(this.options.service.length + 1);
    return this.register(method, () => {
      throw new DomainError(ErrorCode.InternalError, `${this.options.service} does not serve ${method}.`);
    });
  }

  /** Declares `rpc.<service>` and starts consuming; a no-op for a service without handlers (the gateway). */
  async start(): Promise<void> {
    this.accepting = true;
    if (this.channel || this.handlers.size === 0) return;
    const service = this.options.service as BackendServiceName;
    const queue = this.names.rpcQueue(service);
    await this.connection.addTopology(async (channel) => {
      await declareRpcQueue(channel, this.names, this.registry, service);
    });
    this.channel = this.connection.createChannel('rpc-server', {
      confirm: false,
      setup: async (channel) => {
        await channel.prefetch(this.options.prefetch);
        if (!this.accepting) return;
        const acks = new AckBatcher(channel);
        const { consumerTag } = await channel.consume(
          queue,
          (message) => message && this.onRequest(acks, message),
        );
        this.consumer = { channel, tag: consumerTag, acks };
      },
    });
    await this.connection.openNow(this.channel);
  }

  /** Stops taking requests and waits (bounded) for those in flight to be answered. */
  async stop(): Promise<void> {
    this.accepting = false;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    if (this.inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      if (!(await withinTime(drained, this.options.shutdownTimeoutMs))) {
        this.logger.warn(`${this.inFlight} RPC requests were still running at shutdown`);
      }
    }
    consumer?.acks.flush();
  }

  private onRequest(acks: AckBatcher, message: ConsumeMessage): void {
    this.inFlight += 1;
    acks.track(message);
    void this.process(acks, message).finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    });
  }

  private async process(acks: AckBatcher, message: ConsumeMessage): Promise<void> {
    const started = performance.now();
    const routingKey = message.fields.routingKey;
    const registered = this.handlers.get(routingKey) ?? this.unserved(routingKey);
    const headers = message.properties.headers;
    const { replyTo, correlationId: callId } = message.properties as {
      replyTo?: string;
      correlationId?: string;
    };
    const packed = unpackCallId(callId);
    const correlationId = packed.correlationId ?? headerString(headers, CORRELATION_ID_HEADER) ?? uuidv7();
    const parent = extractTraceContext(packed.traceparent ? { traceparent: packed.traceparent } : headers);
    const span = this.tracer.startSpan(registered.spanName, registered.spanOptions, parent);

    let reply: RpcReply;
    let outcome: ServerOutcome;
    try {
      const request: unknown = JSON.parse(message.content.toString('utf8'));
      const result = await runWithContext({ correlationId }, () =>
        context.with(trace.setSpan(parent, span), () =>
          registered.handler(request, { correlationId, method: registered.method }),
        ),
      );
      reply = { ok: true, result };
      outcome = 'ok';
    } catch (error) {
      outcome = error instanceof DomainError ? 'domain_error' : 'internal_error';
      if (outcome === 'internal_error') {
        this.logger.error(
          `RPC ${routingKey} failed (correlation id ${correlationId}): ${errorMessage(error)}`,
          error instanceof Error ? error.stack : undefined,
        );
        span.recordException(error instanceof Error ? error : String(error));
      }
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      reply = replyForError(error);
    }
    span.end();

    try {
      if (replyTo) {
        acks.channel.publish('', replyTo, encodeJson(reply), {
          correlationId: callId,
          contentType: JSON_CONTENT_TYPE,
        });
      }
      acks.finish(message);
    } catch {
      // The channel died under us: the request is redelivered (or has expired) and the caller retries or times out.
    }
    registered.durations[outcome].observe((performance.now() - started) / 1000);
  }
}
