import 'reflect-metadata';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { configureGatewayHttp } from './http-setup';

const config = loadGatewayConfig();
runService({
  service: 'gateway',
  config,
  module: AppModule.forRoot(config),
  configure: (app) => configureGatewayHttp(app, config.SERVICE_VERSION),
});
