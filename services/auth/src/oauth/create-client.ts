import { buildServiceDataSource } from '@kasho/platform';
import { authSchema } from '../database';
import { runCreateClientCli } from './create-client.cli';

// node dist/oauth/create-client.js --name "Partner X" --scopes "payments:read payments:write" | --disable <client_id>
void runCreateClientCli(() => buildServiceDataSource('auth', authSchema)).then((code) => {
  process.exitCode = code;
});
