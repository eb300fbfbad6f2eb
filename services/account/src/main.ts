import 'reflect-metadata';
import { loadConfigOrExit } from '@kasho/config';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { accountEnv } from './config';

const config = loadConfigOrExit(accountEnv);
runService({ service: 'account', config, module: AppModule.forRoot(config) });
