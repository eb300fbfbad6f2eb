import {
  type DynamicModule,
  Global,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { closeRedisClient, createRedisClient, RedisClient, type RedisClientOptions } from './redis-client';

export type RedisModuleOptions = RedisClientOptions;

export interface RedisModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => RedisModuleOptions | Promise<RedisModuleOptions>;
}

/** Provides the service's one `RedisClient`; global, imported once by the app module; closed on shutdown. */
@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(private readonly client: RedisClient) {}

  static forRoot(options: RedisModuleOptions): DynamicModule {
    return RedisModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: RedisModuleAsyncOptions): DynamicModule {
    // Nest types factories as taking any[]; the caller's parameter types are checked by `inject` at run time.
    const useFactory = options.useFactory as (
      ...args: unknown[]
    ) => RedisModuleOptions | Promise<RedisModuleOptions>;
    return {
      module: RedisModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: RedisClient,
          useFactory: async (...args: unknown[]) => createRedisClient(await useFactory(...args)),
          inject: options.inject ?? [],
        },
      ],
      exports: [RedisClient],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedisClient(this.client);
  }
}
