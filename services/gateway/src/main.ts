import 'reflect-metadata';
import { loadConfigOrExit } from '@kasho/config';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { gatewayEnv } from './config';
import { configureGatewayHttp } from './http-setup';

const config = loadConfigOrExit(gatewayEnv);
runService({
  service: 'gateway',
  config,
  module: AppModule.forRoot(config),
  configure: (app) => configureGatewayHttp(app, config.SERVICE_VERSION),
});
