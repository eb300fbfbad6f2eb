import 'reflect-metadata';
import { loadConfigOrExit } from '@kasho/config';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { notificationEnv } from './config';

const config = loadConfigOrExit(notificationEnv);
runService({ service: 'notification', config, module: AppModule.forRoot(config) });
