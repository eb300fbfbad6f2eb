import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '@kasho/config';
import { Messaging, MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@kasho/messaging';
import { startTracing } from '@kasho/observability';
import { PlatformModule, type RunningService, startService } from '@kasho/platform';
import { createTestDatabase, createTestNamespace, freePort, type TestDatabase } from '@kasho/testing';
import { AppModule } from '../src/app.module';
import { gatewayEnv } from '../src/config';
import { configureGatewayHttp } from '../src/http-setup';

// A trace started by the client at the gateway continues into the backend service: the gateway's HTTP server
// span, its RPC client span and the service's RPC server span share one trace id, parent to child.

const exporter = new InMemorySpanExporter();
startTracing({ serviceName: 'kasho-trace-test', exporter });

const namespace = createTestNamespace('trace');
const port = async (): Promise<string> => String(await freePort());
let database: TestDatabase;
let backend: RunningService;
let gateway: RunningService;

beforeAll(async () => {
  database = await createTestDatabase('trace');
  const common = { AMQP_NAMESPACE: namespace, LOG_LEVEL: 'warn', LOG_PRETTY: 'false' };
  const backendConfig = {
    ...loadConfig(gatewayEnv, { ...common, HTTP_PORT: await port() }),
    DATABASE_URL: database.url,
    DATABASE_MIGRATE_ON_START: true,
  };
  backend = await startService({
    service: 'auth',
    config: backendConfig,
    module: PlatformModule.forRoot({
      service: 'auth',
      config: backendConfig,
      database: { entities: [...MESSAGING_ENTITIES], migrations: [...MESSAGING_MIGRATIONS] },
    }),
  });
  const gatewayConfig = loadConfig(gatewayEnv, { ...common, HTTP_PORT: await port() });
  gateway = await startService({
    service: 'gateway',
    config: gatewayConfig,
    module: AppModule.forRoot(gatewayConfig),
    configure: (app) => configureGatewayHttp(app, 'test'),
  });
});

afterAll(async () => {
  for (const running of [gateway, backend]) {
    if (!running) continue;
    const messaging = running.app.get(Messaging);
    await running.stop();
    await messaging.deleteTopology();
  }
  await database?.drop();
});

describe('trace propagation', () => {
  it('carries the trace id from the gateway into the service that answers the RPC', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${gateway.url}/v1/status/auth`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'auth', status: 'up' });

    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const httpServer = spans.find((span) => span.kind === SpanKind.SERVER && span.name.startsWith('GET'));
    const rpcClient = spans.find(
      (span) => span.kind === SpanKind.CLIENT && span.name === 'auth/system.status',
    );
    const rpcServer = spans.find(
      (span) => span.kind === SpanKind.SERVER && span.name === 'auth/system.status',
    );
    expect(httpServer).toBeDefined();
    expect(rpcClient).toBeDefined();
    expect(rpcServer).toBeDefined();
    expect(rpcClient!.parentSpanContext?.spanId).toBe(httpServer!.spanContext().spanId);
    expect(rpcServer!.parentSpanContext?.spanId).toBe(rpcClient!.spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
