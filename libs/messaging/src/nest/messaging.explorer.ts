import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope, RpcContract } from '@kasho/contracts';
import { NoEventHandlerError, type ConsumerMode } from '../events/event-consumer';
import { Messaging } from '../messaging';
import type { RpcHandlerContext } from '../rpc/rpc-server';
import {
  EVENT_HANDLER_METADATA,
  RPC_HANDLER_METADATA,
  type EventHandlerMetadata,
} from './messaging.decorators';

type BoundEventHandler = (
  envelope: EventEnvelope<unknown>,
  manager: EntityManager | undefined,
) => Promise<void>;

interface ConsumerGroup {
  mode: ConsumerMode;
  routes: Map<string, BoundEventHandler>;
}

/**
 * Finds `@RpcHandler` / `@EventHandler` / `@IdempotentEventHandler` methods on providers and controllers, registers
 * them, and ties the messaging lifecycle to the application's: connect on init, consume on bootstrap, stop taking
 * work and flush the outbox before shutdown, close the connection on shutdown.
 */
@Injectable()
export class MessagingExplorer
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly moduleRef: ModuleRef,
    private readonly messaging: Messaging,
  ) {}

  async onModuleInit(): Promise<void> {
    const dataSource = this.findDataSource();
    if (dataSource) this.messaging.useDataSource(dataSource);
    this.registerHandlers();
    this.messaging.consumers.assertReady();
    await this.messaging.connect();
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.messaging.start();
    } catch (error) {
      // A failed bootstrap gets no shutdown hooks: do not leave the connection (and the process) running.
      await this.messaging.close().catch(() => undefined);
      throw error;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.messaging.shutdown();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging.close();
  }

  /** TypeORM's DataSource if some module provides it (services with a database); the gateway has none. */
  private findDataSource(): DataSource | undefined {
    try {
      return this.moduleRef.get(DataSource, { strict: false });
    } catch {
      return undefined;
    }
  }

  private registerHandlers(): void {
    const groups = new Map<string, ConsumerGroup>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const rpc = Reflect.getMetadata(RPC_HANDLER_METADATA, method) as
          RpcContract<unknown, unknown> | undefined;
        const events = Reflect.getMetadata(EVENT_HANDLER_METADATA, method) as
          EventHandlerMetadata[] | undefined;
        if (!rpc && !events) continue;
        if (!wrapper.isDependencyTreeStatic()) {
          throw new Error(
            `${wrapper.name}.${methodName}: messaging handlers cannot live in request-scoped providers`,
          );
        }
        const bound = (method as (...args: unknown[]) => unknown).bind(instance);
        if (rpc) {
          this.messaging.rpcServer.handle(rpc, (request: unknown, context: RpcHandlerContext) =>
            bound(request, context),
          );
        }
        for (const metadata of events ?? []) {
          const group: ConsumerGroup = groups.get(metadata.consumer) ?? {
            mode: metadata.mode,
            routes: new Map(),
          };
          if (group.mode !== metadata.mode) {
            throw new Error(
              `Consumer ${metadata.consumer} mixes inbox and idempotent handlers; give them two consumers`,
            );
          }
          if (group.routes.has(metadata.eventType)) {
            throw new Error(`Consumer ${metadata.consumer} has two handlers for ${metadata.eventType}`);
          }
          group.routes.set(
            metadata.eventType,
            (envelope, manager) => bound(envelope, manager) as Promise<void>,
          );
          groups.set(metadata.consumer, group);
        }
      }
    }
    for (const [consumer, group] of groups) {
      this.messaging.consumers.add({
        name: consumer,
        bindings: [...group.routes.keys()],
        mode: group.mode,
        handler: async (envelope, manager) => {
          const route = group.routes.get(envelope.type);
          if (!route) throw new NoEventHandlerError(envelope.type);
          await route(envelope, manager);
        },
      });
    }
  }
}
