import { VersioningType } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerEdgeHooks } from './edge';
import { setUpOpenApi } from './openapi/openapi';

/**
 * The gateway's HTTP surface: the edge (CORS, rate limits, security headers), `/v1/...` routes by URI version,
 * the OpenAPI document and the docs.
 */
export function configureGatewayHttp(app: NestFastifyApplication, version: string): void {
  registerEdgeHooks(app);
  app.enableVersioning({ type: VersioningType.URI });
  setUpOpenApi(app, version);
}
