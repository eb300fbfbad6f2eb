import 'reflect-metadata';
import { loadConfigOrExit } from '@kasho/config';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { authEnv } from './config';

const config = loadConfigOrExit(authEnv);
runService({ service: 'auth', config, module: AppModule.forRoot(config) });
