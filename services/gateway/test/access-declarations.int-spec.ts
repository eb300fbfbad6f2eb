import { loadConfig } from '@kasho/config';
import { IS_PUBLIC } from '@kasho/observability';
import { type INestApplicationContext } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { createTestNamespace } from '@kasho/testing';
import { AppModule } from '../src/app.module';
import { gatewayEnv } from '../src/config';

// House rule: every HTTP endpoint the gateway serves declares its guard or an explicit @Public(); an endpoint
// that does neither fails here, before it can ship open by accident.

let app: INestApplicationContext;

beforeAll(async () => {
  const config = loadConfig(gatewayEnv, { AMQP_NAMESPACE: createTestNamespace('access'), LOG_LEVEL: 'warn' });
  app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
});

afterAll(async () => {
  await app.close();
});

it('declares a guard or @Public() on every endpoint', () => {
  const scanner = app.get(MetadataScanner);
  const undeclared: string[] = [];
  let endpoints = 0;
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const classDeclares =
      Reflect.hasMetadata(IS_PUBLIC, controller) || Reflect.hasMetadata(GUARDS_METADATA, controller);
    const prototype = controller.prototype as Record<string, object>;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[method];
      endpoints += 1;
      const declares =
        Reflect.hasMetadata(IS_PUBLIC, handler) || Reflect.hasMetadata(GUARDS_METADATA, handler);
      if (!classDeclares && !declares) undeclared.push(`${controller.name}.${method}`);
    }
  }
  expect(endpoints).toBeGreaterThan(0);
  expect(undeclared).toEqual([]);
});
