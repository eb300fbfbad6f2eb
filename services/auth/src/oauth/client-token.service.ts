import { isIP } from 'node:net';
import { AuditLog, type AuditEntryInput } from '@kasho/audit';
import { type ClientTokenRequest, type ClientTokenResponse } from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { uuidv7 } from '@kasho/logging';
import { CLIENT_SCOPES, type KeySet, signAccessToken } from '@kasho/security';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SIGNING_KEYSET } from '../keys';
import { CLIENT_ID_PATTERN, DUMMY_SECRET_HASH, verifyClientSecret } from './client-credentials';
import { grantedScopes } from './client-scopes';
import { ClientTokenThrottle } from './client-token-throttle';
import { type OAuthClientEntity } from './oauth-client.entity';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { invalidClient, invalidRequest, invalidScope, unsupportedGrantType } from './oauth.errors';
import { ClientTokenSettings } from './oauth.settings';

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

/** Why a token request was refused, as the audit log records it; the caller only sees the RFC 6749 code. */
type RefusalReason =
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'unknown_client'
  | 'invalid_secret'
  | 'disabled'
  | 'throttled'
  | 'invalid_scope';

interface RequestMeta {
  ip: string | null;
  correlationId: string | null;
}

/** The client credentials grant (RFC 6749 4.4): authenticates a client and issues it an access token. */
@Injectable()
export class ClientTokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: OAuthClientsRepository,
    private readonly throttle: ClientTokenThrottle,
    private readonly auditLog: AuditLog,
    @Inject(SIGNING_KEYSET) private readonly keyset: KeySet,
    private readonly settings: ClientTokenSettings,
  ) {}

  async issue(request: ClientTokenRequest, correlationId?: string): Promise<ClientTokenResponse> {
    const meta: RequestMeta = { ip: clientIp(request), correlationId: correlationId ?? null };
    // Shape checked again here: the gateway validates, but the auth service owns the rules.
    const fields: Partial<Record<keyof ClientTokenRequest, unknown>> =
      typeof request === 'object' && request !== null ? request : {};
    const { grantType, clientId, clientSecret, scope } = fields;
    if (typeof grantType !== 'string' || grantType === '') {
      await this.refuse(meta, null, 'invalid_request');
      throw invalidRequest('grant_type is required.');
    }
    if (scope !== undefined && typeof scope !== 'string') {
      await this.refuse(meta, null, 'invalid_request');
      throw invalidRequest('scope must be a string.');
    }
    if (grantType !== CLIENT_CREDENTIALS_GRANT) {
      await this.refuse(meta, null, 'unsupported_grant_type');
      throw unsupportedGrantType();
    }

    const id = typeof clientId === 'string' && CLIENT_ID_PATTERN.test(clientId) ? clientId : undefined;
    const secret = typeof clientSecret === 'string' ? clientSecret : '';
    // A malformed id cannot name a client: it skips the lookup (the format is public, so nothing leaks) but still
    // pays for the hash below.
    const client = id === undefined ? null : await this.clients.findByClientId(this.dataSource.manager, id);
    if (id !== undefined && (await this.throttle.isBlocked(id))) {
      await this.refuse(meta, client, 'throttled');
      throw invalidClient();
    }
    // Always hash and compare, against a dummy when the client is unknown, so every failure takes about as long.
    const secretMatches = verifyClientSecret(secret, client?.secretHash ?? DUMMY_SECRET_HASH);
    const reason: RefusalReason | undefined = !client
      ? 'unknown_client'
      : !secretMatches
        ? 'invalid_secret'
        : client.disabledAt !== null
          ? 'disabled'
          : undefined;
    if (reason !== undefined || !client) {
      if (id !== undefined) await this.throttle.recordFailure(id);
      await this.refuse(meta, client, reason ?? 'unknown_client');
      throw invalidClient();
    }

    // A scope dropped from CLIENT_SCOPES after the client was created is no longer granted.
    const held = client.scopes.filter((held) => (CLIENT_SCOPES as readonly string[]).includes(held));
    const scopes = grantedScopes(scope, held);
    if (!scopes || scopes.length === 0) {
      await this.refuse(meta, client, 'invalid_scope');
      throw invalidScope();
    }

    // The grant id stands where a user token has its session: the gateway's revocation list works on it alike.
    const grantId = uuidv7();
    const { issuer, audience, ttlSeconds } = this.settings;
    const accessToken = await signAccessToken(
      this.keyset,
      { sub: client.clientId, sid: grantId, roles: [], scopes, clientId: client.clientId },
      { issuer, audience, ttlSeconds },
    );
    await withTransaction(this.dataSource, async (manager) => {
      await this.clients.touchLastUsed(manager, client.clientId, new Date());
      await this.auditLog.append(manager, {
        ...this.entry(meta, client),
        action: 'auth.client_token.issued',
        outcome: 'success',
        details: { grantId, scopes, expiresIn: ttlSeconds },
      });
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttlSeconds,
      scope: scopes.join(' '),
    };
  }

  /** Records a refused request; the actor is the client only when the id names one (never the secret). */
  private async refuse(
    meta: RequestMeta,
    client: OAuthClientEntity | null,
    reason: RefusalReason,
  ): Promise<void> {
    await withTransaction(this.dataSource, (manager) =>
      this.auditLog.append(manager, {
        ...this.entry(meta, client),
        action: 'auth.client_token.refused',
        outcome: 'failure',
        details: { reason },
      }),
    );
  }

  private entry(
    meta: RequestMeta,
    client: OAuthClientEntity | null,
  ): Pick<AuditEntryInput, 'actorType' | 'actorId' | 'subjectType' | 'subjectId' | 'ip' | 'correlationId'> {
    return {
      actorType: 'client',
      actorId: client?.clientId ?? null,
      subjectType: client ? 'oauth_client' : null,
      subjectId: client?.clientId ?? null,
      ip: meta.ip,
      correlationId: meta.correlationId,
    };
  }
}

function clientIp(request: unknown): string | null {
  const ip: unknown = (request as { client?: { ip?: unknown } } | null)?.client?.ip;
  return typeof ip === 'string' && isIP(ip) !== 0 ? ip : null;
}
