import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { registerFormBodyParser } from './form-body';
import { OAuthController } from './oauth.controller';

/** `POST /v1/oauth/token` and the form-body parser it needs. */
@Module({ controllers: [OAuthController] })
export class OAuthModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  // Nest registered its body parsers already (before module init) and the server is not ready yet.
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<Parameters<typeof registerFormBodyParser>[0]>();
    if (fastify !== undefined) registerFormBodyParser(fastify);
  }
}
