import 'reflect-metadata';
import { loadConfigOrExit } from '@kasho/config';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { transactionEnv } from './config';

const config = loadConfigOrExit(transactionEnv);
runService({ service: 'transaction', config, module: AppModule.forRoot(config) });
