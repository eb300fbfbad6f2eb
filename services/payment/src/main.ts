import 'reflect-metadata';
import { loadConfigOrExit } from '@kasho/config';
import { runService } from '@kasho/platform';
import { AppModule } from './app.module';
import { paymentEnv } from './config';

const config = loadConfigOrExit(paymentEnv);
runService({ service: 'payment', config, module: AppModule.forRoot(config) });
