import { type DynamicModule, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { idempotencyOnSend, type OnSendHook } from './idempotency.hook';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_OPTIONS, idempotencyOptions } from './idempotency.options';
import { IdempotencyStore } from './idempotency.store';

interface HookedFastify {
  addHook(name: 'onSend', hook: OnSendHook): unknown;
}

/**
 * `Idempotency-Key` for `@Idempotent()` routes: the interceptor (bound by the decorator) that claims keys, the onSend hook that
 * stores answers and replays them, and the records in the gateway's Redis. Needs `AuthModule` (the caller) and
 * the platform's `RedisClient`.
 */
@Module({})
export class IdempotencyModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly store: IdempotencyStore,
  ) {}

  static forRoot(options: { rpcTimeoutMs: number }): DynamicModule {
    return {
      module: IdempotencyModule,
      // Global: `@Idempotent()` binds the interceptor in whichever feature module declares the route.
      global: true,
      providers: [
        { provide: IDEMPOTENCY_OPTIONS, useValue: idempotencyOptions(options.rpcTimeoutMs) },
        IdempotencyStore,
        IdempotencyInterceptor,
      ],
      exports: [IDEMPOTENCY_OPTIONS, IdempotencyStore, IdempotencyInterceptor],
    };
  }

  /** Before the server is ready, so the hook applies to every route (as `AuthModule` does for its hook). */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<HookedFastify>();
    if (fastify === undefined) return; // an application context without HTTP
    fastify.addHook('onSend', idempotencyOnSend(this.store, new Logger('Idempotency')));
  }
}
