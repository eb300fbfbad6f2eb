import { DomainError, ErrorCode } from '@kasho/errors';
import { BODY_LIMIT_BYTES } from '@kasho/platform';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemDetailsFilter } from '../src/problems/problem-details.filter';

// The gateway's one error mapping, through real Fastify: every failure is problem+json with a stable code,
// and nothing about an unexpected error's cause reaches the client.

@Controller('probe')
class ProbeController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Get('domain')
  domain(): never {
    throw new DomainError(ErrorCode.InvalidAmount, 'amount must be a string of digits', {
      errors: [{ pointer: '/amount', detail: 'must be a string of digits' }],
    });
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection to 10.0.0.7 refused; password=hunter2');
  }
}

@Module({
  controllers: [ProbeController],
  providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
class ProbeModule {}

let app: NestFastifyApplication;
let base: string;

beforeAll(async () => {
  app = await NestFactory.create<NestFastifyApplication>(
    ProbeModule,
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});

afterAll(async () => {
  await app.close();
});

async function problem(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

describe('problem+json at the gateway', () => {
  it('keeps a domain error code, detail and field errors', async () => {
    const response = await fetch(`${base}/probe/domain`);
    expect(response.status).toBe(422);
    expect(await problem(response)).toMatchObject({
      code: 'invalid_amount',
      status: 422,
      errors: [{ pointer: '/amount', detail: 'must be a string of digits' }],
    });
  });

  it('answers an unexpected error with a bare 500', async () => {
    const response = await fetch(`${base}/probe/crash`);
    expect(response.status).toBe(500);
    const body = await problem(response);
    expect(body).toMatchObject({ code: 'internal_error', status: 500 });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|10\.0\.0\.7|stack/);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const response = await fetch(`${base}/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"amount": ',
    });
    expect(response.status).toBe(400);
    expect(await problem(response)).toMatchObject({ code: 'malformed_json' });
  });

  it('answers a body over 1 MiB with 413 payload_too_large', async () => {
    const response = await fetch(`${base}/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT_BYTES) }),
    });
    expect(response.status).toBe(413);
    expect(await problem(response)).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers an unsupported media type with 415', async () => {
    const response = await fetch(`${base}/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<amount>1</amount>',
    });
    expect(response.status).toBe(415);
    expect(await problem(response)).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('answers a known route with the wrong method with 405 and the methods it allows', async () => {
    const response = await fetch(`${base}/probe/domain`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await problem(response)).toMatchObject({ code: 'method_not_allowed', instance: '/probe/domain' });
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(await problem(response)).toMatchObject({ code: 'route_not_found', instance: '/nowhere' });
  });
});
