import { authJwksRpc } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { provideReadinessCheck } from '@kasho/platform';
import { checkRedis, createRedisClient, type RedisClient } from '@kasho/redis';
import { createAccessTokenVerifier } from '@kasho/security';
import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import {
  ACCESS_TOKEN_VERIFIER,
  GATEWAY_AUTH_OPTIONS,
  type GatewayAuthOptions,
  SESSION_REVOCATION_REDIS,
} from './auth.tokens';
import { stripIdentityHeaders } from './identity-headers';
import { JwksController } from './jwks.controller';
import { JwksService } from './jwks.service';
import { PermissionGuard } from './permission.guard';
import { ClientContexts } from './request-context';
import { SessionRevocationCheck } from './session-revocation.check';

interface HookedFastify {
  addHook(
    name: 'onRequest',
    hook: (request: { headers: Record<string, unknown> }, reply: unknown, done: () => void) => void,
  ): unknown;
}

/**
 * Authentication and coarse authorisation at the gateway: the JWKS endpoint, the global access-token guard (with
 * the session revocation check) and, after it, the permission guard; client-supplied identity headers are stripped
 * on arrival. Keys come only from the auth service over RPC (never from a URL a token names); the verifier caches
 * them and refreshes on an unknown kid.
 */
@Module({})
export class AuthModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  static forRoot(options: GatewayAuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      controllers: [JwksController],
      providers: [
        { provide: GATEWAY_AUTH_OPTIONS, useValue: options },
        JwksService,
        {
          provide: ACCESS_TOKEN_VERIFIER,
          inject: [RpcClient],
          useFactory: (rpc: RpcClient) =>
            createAccessTokenVerifier({
              issuer: options.issuer,
              audience: options.audience,
              jwks: () => rpc.call(authJwksRpc, {}),
            }),
        },
        {
          // Its own connection: the list lives under the prefix the auth service writes, not the gateway's.
          provide: SESSION_REVOCATION_REDIS,
          useFactory: () =>
            createRedisClient({
              url: options.redisUrl,
              keyPrefix: options.revocationKeyPrefix,
              connectionName: 'kasho-gateway-revocations',
            }),
        },
        // Authenticated requests fail (503) without it, so the gateway is not ready without it either.
        provideReadinessCheck({
          name: 'revocation-redis',
          inject: [SESSION_REVOCATION_REDIS],
          useFactory: (redis: RedisClient) => () => checkRedis(redis),
        }),
        SessionRevocationCheck,
        ClientContexts,
        // Global guards run in the order they are provided: authentication, then authorisation.
        { provide: APP_GUARD, useClass: AccessTokenGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
      ],
      exports: [ClientContexts],
    };
  }

  /**
   * Before the server is ready (hooks added now apply to every route): nothing past this point, guards and
   * handlers included, can read an identity header a client sent.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<HookedFastify>();
    if (fastify === undefined) return; // an application context without HTTP (tests)
    fastify.addHook('onRequest', (request, _reply, done) => {
      stripIdentityHeaders(request.headers);
      done();
    });
  }
}
