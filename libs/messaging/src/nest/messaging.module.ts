import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventPublisher } from '../events/event-publisher';
import { Messaging } from '../messaging';
import type { MessagingOptions } from '../messaging-options';
import { Outbox } from '../outbox/outbox';
import { RpcClient } from '../rpc/rpc-client';
import { MessagingExplorer } from './messaging.explorer';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => MessagingOptions | Promise<MessagingOptions>;
}

const facadeProviders = [
  {
    provide: Messaging,
    useFactory: (options: MessagingOptions) => new Messaging(options),
    inject: [MESSAGING_OPTIONS],
  },
  { provide: RpcClient, useFactory: (messaging: Messaging) => messaging.rpcClient, inject: [Messaging] },
  { provide: EventPublisher, useFactory: (messaging: Messaging) => messaging.publisher, inject: [Messaging] },
  { provide: Outbox, useFactory: (messaging: Messaging) => messaging.outbox, inject: [Messaging] },
  MessagingExplorer,
];

/**
 * RabbitMQ messaging for a service: provides `RpcClient`, `EventPublisher`, `Outbox` (and `Messaging` for health
 * checks) everywhere, and registers every `@RpcHandler` / `@EventHandler` / `@IdempotentEventHandler` it finds. If
 * another module provides TypeORM's `DataSource`, the outbox relay and the inbox use it.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, ...facadeProviders],
      exports: [Messaging, RpcClient, EventPublisher, Outbox],
    };
  }

  /** For options that come from the service's validated config. */
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...facadeProviders,
      ],
      exports: [Messaging, RpcClient, EventPublisher, Outbox],
    };
  }
}
