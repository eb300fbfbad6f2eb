import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Controller, Get, Logger, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  PinoNestLogger,
  REQUEST_ID_HEADER,
  currentContext,
  registerRequestContext,
  registerRequestLogging,
} from '../src';
import { captureLogs } from './log-capture';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

@Controller('things')
class ThingsController {
  private readonly logger = new Logger(ThingsController.name);

  @Get(':id')
  async read(@Param('id') id: string): Promise<{ id: string; requestId: string | undefined }> {
    // Work that hops across timers still belongs to the request.
    await sleep(Number(id) % 7);
    this.logger.log(`reading thing ${id}`);
    return { id, requestId: currentContext()?.requestId };
  }

  @Post()
  async create(@Body() body: { name: string }): Promise<{ requestId: string | undefined }> {
    await sleep(1);
    this.logger.log(`creating ${body.name}`);
    return { requestId: currentContext()?.requestId };
  }

  @Get('broken/now')
  broken(): never {
    throw new Error('card 4111 1111 1111 1111 of jane@example.com declined');
  }
}

@Module({ controllers: [ThingsController] })
class TestModule {}

describe('request context over HTTP (Nest on Fastify)', () => {
  const logs = captureLogs();
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: new PinoNestLogger(logs.logger),
    });
    const fastify = app.getHttpAdapter().getInstance();
    registerRequestContext(fastify);
    registerRequestLogging(fastify, logs.logger);
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  const linesWith = (msg: string) => logs.lines().filter((line) => line.msg === msg);

  it("answers the client's valid X-Request-Id and logs the handler's line with it", async () => {
    const response = await fetch(`${baseUrl}/things/1`, { headers: { 'X-Request-Id': 'client-req.1_a' } });
    expect(response.status).toBe(200);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe('client-req.1_a');
    expect(await response.json()).toEqual({ id: '1', requestId: 'client-req.1_a' });
    expect(linesWith('reading thing 1')).toEqual([
      expect.objectContaining({
        requestId: 'client-req.1_a',
        correlationId: 'client-req.1_a',
        context: 'ThingsController',
      }),
    ]);
  });

  it('replaces a missing or invalid id with a new UUID v7', async () => {
    const missing = await fetch(`${baseUrl}/things/2`);
    const invalid = await fetch(`${baseUrl}/things/3`, { headers: { 'X-Request-Id': 'has space' } });
    const generated = missing.headers.get(REQUEST_ID_HEADER);
    expect(generated).toMatch(UUID_V7);
    expect(invalid.headers.get(REQUEST_ID_HEADER)).toMatch(UUID_V7);
    expect(invalid.headers.get(REQUEST_ID_HEADER)).not.toBe(generated);
    expect(linesWith('reading thing 2')[0]).toMatchObject({ requestId: generated });
  });

  it('keeps the context across body parsing, even when the body arrives late', async () => {
    // The second half of the body reaches the socket after the hooks ran: Fastify resumes in the socket's context.
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"name":'));
        await sleep(50);
        controller.enqueue(encoder.encode('"widget"}'));
        controller.close();
      },
    });
    const response = await fetch(`${baseUrl}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'with-body' },
      body,
      duplex: 'half',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ requestId: 'with-body' });
    expect(linesWith('creating widget')[0]).toMatchObject({ requestId: 'with-body' });
  });

  it('never mixes the ids of concurrent requests', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => 100 + i);
    await Promise.all(
      ids.map((id) => fetch(`${baseUrl}/things/${id}`, { headers: { 'x-request-id': `req-${id}` } })),
    );
    for (const id of ids) {
      expect(linesWith(`reading thing ${id}`)).toEqual([expect.objectContaining({ requestId: `req-${id}` })]);
    }
  });

  it('writes one line per completed request: method, route pattern, status, duration; no headers or body', async () => {
    await fetch(`${baseUrl}/things/7?email=jane@example.com`, {
      headers: { 'x-request-id': 'logged-req', authorization: 'Bearer secret-token-value' },
    });
    const completed = linesWith('request completed').filter((line) => line.requestId === 'logged-req');
    expect(completed).toEqual([
      expect.objectContaining({ level: 'info', method: 'GET', route: '/things/:id', statusCode: 200 }),
    ]);
    expect(completed[0].durationMs).toEqual(expect.any(Number));
    const raw = logs.raw();
    expect(raw).not.toContain('secret-token-value');
    expect(raw).not.toContain('jane@example.com');
  });

  it('logs unmatched routes under a bounded label and 5xx as errors, without the secrets in the error', async () => {
    const notFound = await fetch(`${baseUrl}/nowhere/${Date.now()}`, { headers: { 'x-request-id': 'lost' } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get(REQUEST_ID_HEADER)).toBe('lost');
    const broken = await fetch(`${baseUrl}/things/broken/now`, { headers: { 'x-request-id': 'broken' } });
    expect(broken.status).toBe(500);
    expect(broken.headers.get(REQUEST_ID_HEADER)).toBe('broken');
    const completed = linesWith('request completed');
    expect(completed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: 'lost', route: 'unmatched', statusCode: 404 }),
        expect.objectContaining({
          requestId: 'broken',
          level: 'error',
          route: '/things/broken/now',
          statusCode: 500,
        }),
      ]),
    );
    const errorLine = logs.lines().find((line) => line.context === 'ExceptionsHandler');
    expect(errorLine).toMatchObject({ requestId: 'broken', level: 'error' });
    expect(logs.raw()).not.toContain('4111 1111 1111 1111');
  });
});
