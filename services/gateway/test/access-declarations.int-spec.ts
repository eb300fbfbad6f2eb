import { loadConfig } from '@kasho/config';
import { IS_PUBLIC } from '@kasho/observability';
import { type INestApplicationContext } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { createTestNamespace } from '@kasho/testing';
import { AppModule } from '../src/app.module';
import { AUTHENTICATED_ONLY, REQUIRED_PERMISSION } from '../src/auth';
import { gatewayEnv } from '../src/config';

// House rule: every HTTP endpoint the gateway serves is either explicitly @Public() or declares what it needs:
// `@RequirePermission(Permission.X)`, or `@AuthenticatedOnly()` when any verified token will do (a deliberate,
// visible choice that no identity route makes). An endpoint that does neither fails here before it ships; at run
// time the permission guard refuses it too (fail closed). A route guard alone does not count: it says nothing
// about the permission the route needs.

let app: INestApplicationContext;

beforeAll(async () => {
  const config = loadConfig(gatewayEnv, { AMQP_NAMESPACE: createTestNamespace('access'), LOG_LEVEL: 'warn' });
  app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
});

afterAll(async () => {
  await app.close();
});

interface Endpoint {
  name: string;
  isPublic: boolean;
  permission: unknown;
  authenticatedOnly: boolean;
}

function endpoints(): Endpoint[] {
  const scanner = app.get(MetadataScanner);
  const found: Endpoint[] = [];
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prototype = controller.prototype as Record<string, object>;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[method];
      // A handler's declaration overrides its class's, as the guards read them.
      const read = (key: string): unknown =>
        Reflect.getMetadata(key, handler) ?? (Reflect.getMetadata(key, controller) as unknown);
      found.push({
        name: `${controller.name}.${method}`,
        isPublic: read(IS_PUBLIC) === true,
        permission: read(REQUIRED_PERMISSION),
        authenticatedOnly: read(AUTHENTICATED_ONLY) === true,
      });
    }
  }
  return found;
}

it('declares @Public(), a permission or @AuthenticatedOnly() on every endpoint', () => {
  const all = endpoints();
  expect(all.length).toBeGreaterThan(15);
  const undeclared = all.filter((e) => !e.isPublic && e.permission === undefined && !e.authenticatedOnly);
  expect(undeclared.map((e) => e.name)).toEqual([]);
});

it('never marks a public endpoint with a permission as well (one of them would be a lie)', () => {
  const contradictory = endpoints().filter(
    (e) => e.isPublic && (e.permission !== undefined || e.authenticatedOnly),
  );
  expect(contradictory.map((e) => e.name)).toEqual([]);
});

it('covers the identity routes with the permissions they need', () => {
  const byName = new Map(endpoints().map((e) => [e.name, e]));
  expect(byName.get('AuthController.login')?.isPublic).toBe(true);
  expect(byName.get('OAuthController.token')?.isPublic).toBe(true);
  expect(byName.get('AuthController.logout')?.permission).toBe('self');
  expect(byName.get('SessionsController.revoke')?.permission).toBe('self');
  expect(byName.get('MeController.me')?.permission).toBe('self');
  expect(byName.get('AuditLogController.list')?.permission).toBe('backoffice:audit:read');
});
