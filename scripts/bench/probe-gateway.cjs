// The real gateway (built JavaScript) plus two identical routes for `npm run bench:auth`: one behind the
// access-token guard, one `@Public()`, so the difference between them is what authentication costs per request.
require('reflect-metadata');
const path = require('node:path');
const { Controller, Get } = require('@nestjs/common');
const { loadConfigOrExit } = require('@kasho/config');
const { Public } = require('@kasho/observability');
const { runService } = require('@kasho/platform');
const { Permission } = require('@kasho/security');

const dist = path.resolve(__dirname, '../../services/gateway/dist');
const { AppModule } = require(`${dist}/app.module`);
const { gatewayEnv } = require(`${dist}/config`);
const { configureGatewayHttp } = require(`${dist}/http-setup`);
const { RequirePermission } = require(`${dist}/auth/require-permission.decorator`);

class BenchProbeController {
  protectedProbe() {
    return { ok: true };
  }
  publicProbe() {
    return { ok: true };
  }
}
const decorate = (decorators, method) => {
  const descriptor = Object.getOwnPropertyDescriptor(BenchProbeController.prototype, method);
  for (const decorator of decorators) decorator(BenchProbeController.prototype, method, descriptor);
};
decorate([Get('protected'), RequirePermission(Permission.Self)], 'protectedProbe');
decorate([Get('public'), Public()], 'publicProbe');
Controller({ path: 'bench', version: '1' })(BenchProbeController);

const config = loadConfigOrExit(gatewayEnv);
class BenchGatewayModule {}
runService({
  service: 'gateway',
  config,
  module: {
    module: BenchGatewayModule,
    imports: [AppModule.forRoot(config)],
    controllers: [BenchProbeController],
  },
  configure: (app) => configureGatewayHttp(app, config.SERVICE_VERSION),
});
