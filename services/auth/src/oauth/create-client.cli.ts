import { parseArgs } from 'node:util';
import { AuditLog } from '@kasho/audit';
import type { DataSource } from 'typeorm';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { OAuthClientRuleError, OAuthClientsService } from './oauth-clients.service';

export interface CreateClientCliOutput {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: CreateClientCliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const CREATE_CLIENT_CLI_USAGE = [
  'usage: create-client --name <name> --scopes "<scope> <scope> ..."',
  '       create-client --disable <client_id>',
  '  creates an OAuth 2.0 client (client credentials grant) and prints {client_id, client_secret, name, scopes} as',
  '  JSON: the secret is shown this once and stored only hashed. --disable stops a client getting new tokens.',
  '  exit status: 0 done, 1 refused or failed, 2 bad usage',
].join('\n');

type Command = { kind: 'create'; name: string; scopes: string[] } | { kind: 'disable'; clientId: string };

function parseCommand(argv: readonly string[]): Command | 'help' | undefined {
  let values: { name?: string; scopes?: string; disable?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        disable: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch {
    return undefined;
  }
  if (values.help) return 'help';
  if (values.disable !== undefined) {
    return values.name === undefined && values.scopes === undefined
      ? { kind: 'disable', clientId: values.disable }
      : undefined;
  }
  if (values.name === undefined || values.scopes === undefined) return undefined;
  return { kind: 'create', name: values.name, scopes: values.scopes.split(/[\s,]+/).filter(Boolean) };
}

/**
 * The body of `src/oauth/create-client.ts` (`npm run create-client -- ...`). Returns the exit status instead of
 * exiting, so tests can run it; it never throws, and never writes the secret anywhere but `output.out`.
 */
export async function runCreateClientCli(
  buildDataSource: () => DataSource,
  argv: readonly string[] = process.argv.slice(2),
  output: CreateClientCliOutput = processOutput,
): Promise<0 | 1 | 2> {
  const command = parseCommand(argv);
  if (command === 'help') {
    output.out(CREATE_CLIENT_CLI_USAGE);
    return 0;
  }
  if (!command) {
    output.err(CREATE_CLIENT_CLI_USAGE);
    return 2;
  }
  try {
    const dataSource = buildDataSource();
    await dataSource.initialize();
    try {
      const service = new OAuthClientsService(dataSource, new OAuthClientsRepository(), new AuditLog());
      if (command.kind === 'disable') {
        await service.disable(command.clientId);
        output.out(JSON.stringify({ client_id: command.clientId, disabled: true }));
      } else {
        const created = await service.create(command.name, command.scopes);
        output.out(
          JSON.stringify({
            client_id: created.clientId,
            client_secret: created.clientSecret,
            name: created.name,
            scopes: created.scopes,
          }),
        );
      }
      return 0;
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.err(`create-client ${error instanceof OAuthClientRuleError ? 'refused' : 'failed'}: ${message}`);
    return 1;
  }
}
