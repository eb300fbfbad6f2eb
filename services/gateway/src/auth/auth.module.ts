import { authJwksRpc } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { createAccessTokenVerifier } from '@kasho/security';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { ACCESS_TOKEN_VERIFIER } from './auth.tokens';
import { JwksController } from './jwks.controller';
import { JwksService } from './jwks.service';

export interface GatewayAuthOptions {
  issuer: string;
  audience: string;
}

/**
 * Authentication at the gateway: the JWKS endpoint and the global access-token guard. Keys come only from the
 * auth service over RPC (never from a URL a token names); the verifier caches them and refreshes on an unknown kid.
 */
@Module({})
export class AuthModule {
  static forRoot(options: GatewayAuthOptions): DynamicModule {
    return {
      module: AuthModule,
      controllers: [JwksController],
      providers: [
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
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
    };
  }
}
