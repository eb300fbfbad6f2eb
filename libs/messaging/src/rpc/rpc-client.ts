import { randomBytes } from 'node:crypto';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { context, SpanKind, SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import { rpcRoutingKey, type RpcContract } from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import type { MessagingLogger } from '../common/messaging-logger';
import {
  CORRELATION_ID_HEADER,
  injectTraceContext,
  messagingTracer,
  resolveCorrelationId,
  type AmqpHeaders,
} from '../common/message-headers';
import type { MessagingMetrics, RpcOutcome } from '../common/metrics';
import { brokerUnavailable } from '../connection/broker-unavailable';
import type { AmqpConnectionManager } from '../connection/connection-manager';
import type { ManagedChannel } from '../connection/managed-channel';
import type { ResolvedMessagingOptions } from '../messaging-options';
import type { TopologyNames } from '../topology/topology';
import {
  decodeReply,
  DIRECT_REPLY_TO,
  encodeJson,
  isPackableTraceparent,
  JSON_CONTENT_TYPE,
  packCallId,
} from './rpc-wire';

export interface RpcCallOptions {
  /** The deadline of this call; default `rpcTimeoutMs`. The request expires in the queue at the same moment. */
  timeoutMs?: number;
  /** Follows the work into the callee's logs and events; default: the current context's, else a new one. */
  correlationId?: string;
}

/** What every call of one method shares, computed once: routing key, span options, metric children. */
interface MethodRoute {
  service: string;
  method: string;
  routingKey: string;
  spanName: string;
  spanOptions: SpanOptions;
  durations: Record<RpcOutcome, { observe(seconds: number): void }>;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  started: number;
  timeoutMs: number;
  route: MethodRoute;
  span: Span;
}

const OUTCOMES: readonly RpcOutcome[] = ['ok', 'error', 'timeout', 'unavailable'];

/**
 * Calls other services over `kasho.rpc` with direct reply-to: no reply queue to declare, replies come straight back
 * on this channel. Each call has its own AMQP correlation id and deadline; a reply that arrives after the deadline
 * finds no pending call and is dropped, so it can never resolve a different call.
 */
export class RpcClient {
  private readonly pending = new Map<string, PendingCall>();
  private readonly routes = new Map<string, MethodRoute>();
  private readonly channel: ManagedChannel<Channel>;
  // AMQP correlation ids only need to be unique among this client's pending calls: a random prefix and a counter
  // are cheaper than a UUID per call.
  private readonly idPrefix = `${randomBytes(6).toString('base64url')}.`;
  private sequence = 0;
  private readonly tracer = messagingTracer();
  private readonly logger: MessagingLogger;
  private readonly onTimeoutCallback = (id: string): void => this.onTimeout(id);

  constructor(
    connection: AmqpConnectionManager,
    private readonly names: TopologyNames,
    private readonly options: ResolvedMessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.logger = options.logger;
    this.channel = connection.createChannel('rpc-client', {
      confirm: false,
      setup: async (channel) => {
        channel.on('return', (message: Message) => this.onReturned(message));
        await channel.consume(DIRECT_REPLY_TO, (message) => message && this.onReply(message), {
          noAck: true,
        });
      },
      // Replies of calls in flight went to the direct reply-to consumer of the lost channel: they will never come.
      onLost: () => this.failPending('The connection to the message broker was lost.'),
    });
  }

  /**
   * Calls `contract` and resolves with its response. Rejects with the remote DomainError (same code and detail),
   * `upstream_timeout` (retryable) past the deadline, or `service_unavailable` (retryable) without a broker or
   * without any instance serving the method.
   */
  call<Request, Response>(
    contract: RpcContract<Request, Response>,
    payload: Request,
    options: RpcCallOptions = {},
  ): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.options.rpcTimeoutMs;
    const started = performance.now();
    const route = this.route(contract);
    // Not an async function: the hot path (channel open) should not pay for an extra promise and its ticks.
    const channel = this.channel.current();
    if (channel) return this.send(channel, route, payload, options, timeoutMs, started);
    return this.channel.get(timeoutMs).then(
      (opened) => this.send<Response>(opened, route, payload, options, timeoutMs, started),
      (error: unknown) => {
        route.durations.unavailable.observe((performance.now() - started) / 1000);
        throw error;
      },
    );
  }

  /** Number of calls waiting for a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  private route(contract: RpcContract<unknown, unknown>): MethodRoute {
    const routingKey = rpcRoutingKey(contract);
    let route = this.routes.get(routingKey);
    if (!route) {
      const { service, method } = contract;
      const durations = {} as MethodRoute['durations'];
      for (const outcome of OUTCOMES) {
        durations[outcome] = this.metrics.rpcClientDuration.labels({ service, method, outcome });
      }
      route = {
        service,
        method,
        routingKey,
        spanName: `${service}/${method}`,
        spanOptions: {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'rabbitmq', 'rpc.service': service, 'rpc.method': method },
        },
        durations,
      };
      this.routes.set(routingKey, route);
    }
    return route;
  }

  private send<Response>(
    channel: Channel,
    route: MethodRoute,
    payload: unknown,
    options: RpcCallOptions,
    timeoutMs: number,
    started: number,
  ): Promise<Response> {
    const remaining = Math.max(1, Math.round(timeoutMs - (performance.now() - started)));
    const callId = this.idPrefix + (this.sequence += 1).toString(36);
    const correlationId = resolveCorrelationId(options.correlationId);
    const span = this.tracer.startSpan(route.spanName, route.spanOptions);
    const traceCarrier = injectTraceContext({}, trace.setSpan(context.active(), span));
    const traceKeys = Object.keys(traceCarrier);
    // A lone traceparent rides in the correlation-id property with the correlation id: no headers table.
    const lone =
      traceKeys.length === 1 && isPackableTraceparent(traceCarrier.traceparent)
        ? traceCarrier.traceparent
        : undefined;
    const packed = packCallId(callId, correlationId, lone);
    const id = packed ?? callId;
    const headers: AmqpHeaders = packed ? {} : { [CORRELATION_ID_HEADER]: correlationId };
    if (!packed || lone === undefined) Object.assign(headers, traceCarrier);
    const hasHeaders = Object.keys(headers).length > 0;

    return new Promise<Response>((resolve, reject) => {
      this.pending.set(id, {
        resolve,
        reject,
        timer: setTimeout(this.onTimeoutCallback, remaining, id),
        started,
        timeoutMs,
        route,
        span,
      });
      try {
        channel.publish(this.names.rpcExchange, route.routingKey, encodeJson(payload), {
          correlationId: id,
          replyTo: DIRECT_REPLY_TO,
          // The request is worthless after the deadline: the broker drops it rather than have a server do the work.
          expiration: String(remaining),
          contentType: JSON_CONTENT_TYPE,
          // Without tracing and with the correlation id packed there is nothing to send: no headers table at all.
          headers: hasHeaders ? headers : undefined,
          // No queue bound (the service was never deployed): the broker returns it and the call fails at once.
          mandatory: true,
        });
      } catch (error) {
        this.settle(id, 'unavailable', brokerUnavailable(undefined, error));
      }
    });
  }

  private onReply(message: ConsumeMessage): void {
    const id = message.properties.correlationId as string | undefined;
    if (id === undefined || !this.pending.has(id)) {
      this.metrics.lateReplies.inc();
      this.logger.debug(
        `Dropped an RPC reply for no pending call (${id ?? 'no correlation id'}): late or unknown`,
      );
      return;
    }
    const decoded = decodeReply(message.content);
    if ('error' in decoded) this.settle(id, 'error', decoded.error);
    else this.settle(id, 'ok', undefined, decoded.result);
  }

  private onTimeout(id: string): void {
    const call = this.pending.get(id);
    if (!call) return;
    const { service, method } = call.route;
    this.settle(
      id,
      'timeout',
      new DomainError(
        ErrorCode.UpstreamTimeout,
        `${service} did not answer ${method} within ${call.timeoutMs} ms.`,
        {
          retryable: true,
        },
      ),
    );
  }

  private onReturned(message: Message): void {
    const id = message.properties.correlationId as string | undefined;
    const call = id === undefined ? undefined : this.pending.get(id);
    if (!id || !call) return;
    const { service, method } = call.route;
    this.settle(id, 'unavailable', brokerUnavailable(`No ${service} instance is serving ${method}.`));
  }

  private failPending(detail: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, 'unavailable', brokerUnavailable(detail));
  }

  private settle(id: string, outcome: RpcOutcome, error?: DomainError, result?: unknown): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.route.durations[outcome].observe((performance.now() - call.started) / 1000);
    if (error) {
      call.span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
      call.span.end();
      call.reject(error);
    } else {
      call.span.end();
      call.resolve(result);
    }
  }

  /** Fails every call still waiting: the client is shutting down. */
  close(): void {
    this.failPending('The messaging client is shut down.');
  }
}
