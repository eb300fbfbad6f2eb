import { AuditLog } from '@kasho/audit';
import { withTransaction } from '@kasho/database';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { generateClientId, generateClientSecret, hashClientSecret } from './client-credentials';
import { clientScopesProblem } from './client-scopes';
import { OAuthClientsRepository } from './oauth-clients.repository';

export interface CreatedClient {
  clientId: string;
  /** Shown once, to whoever created the client; only its hash is kept. */
  clientSecret: string;
  name: string;
  scopes: string[];
}

/** A request to manage clients that breaks a rule (bad name or scopes, unknown client). */
export class OAuthClientRuleError extends Error {
  override readonly name = 'OAuthClientRuleError';
}

const MAX_NAME_LENGTH = 200;

/** Creating and disabling OAuth clients (an operator's job, through the `create-client` command). */
@Injectable()
export class OAuthClientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: OAuthClientsRepository,
    private readonly auditLog: AuditLog,
  ) {}

  async create(name: string, scopes: readonly string[]): Promise<CreatedClient> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
      throw new OAuthClientRuleError(`a client's name must be 1 to ${MAX_NAME_LENGTH} characters`);
    }
    const unique = [...new Set(scopes)];
    const problem = clientScopesProblem(unique);
    if (problem) throw new OAuthClientRuleError(problem);
    const clientId = generateClientId();
    const clientSecret = generateClientSecret();
    await withTransaction(this.dataSource, async (manager) => {
      await this.clients.insert(manager, {
        clientId,
        name: trimmed,
        secretHash: hashClientSecret(clientSecret),
        scopes: unique,
        createdAt: new Date(),
        disabledAt: null,
        lastUsedAt: null,
      });
      await this.auditLog.append(manager, {
        actorType: 'system',
        action: 'auth.client.created',
        subjectType: 'oauth_client',
        subjectId: clientId,
        outcome: 'success',
        details: { scopes: unique },
      });
    });
    return { clientId, clientSecret, name: trimmed, scopes: unique };
  }

  /** Stops the client getting new tokens; those already issued expire on their own within the token TTL. */
  async disable(clientId: string): Promise<void> {
    await withTransaction(this.dataSource, async (manager) => {
      const client = await this.clients.findByClientId(manager, clientId);
      if (!client) throw new OAuthClientRuleError(`no client ${clientId}`);
      if (!(await this.clients.disable(manager, clientId, new Date()))) return;
      await this.auditLog.append(manager, {
        actorType: 'system',
        action: 'auth.client.disabled',
        subjectType: 'oauth_client',
        subjectId: clientId,
        outcome: 'success',
      });
    });
  }
}
