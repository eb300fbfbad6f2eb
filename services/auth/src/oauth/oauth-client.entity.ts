import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An OAuth 2.0 client (a partner or an internal service) that obtains access tokens with the client credentials
 * grant. Must match `CreateOAuthClients1764600000000` exactly: the drift check compares the two.
 */
@Entity({ name: 'oauth_clients' })
export class OAuthClientEntity {
  /** `kc_` + base32; public, appears in tokens (`sub`, `client_id`) and in the audit log. */
  @PrimaryColumn({ type: 'text', name: 'client_id', primaryKeyConstraintName: 'PK_oauth_clients' })
  clientId!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  /** `sha256$<salt>$<digest>` (see client-credentials.ts); the secret itself is never stored. */
  @Column({ type: 'text', name: 'secret_hash' })
  secretHash!: string;

  /** What the client may ever be granted; a subset of `CLIENT_SCOPES`, checked when the client is created. */
  @Column({ type: 'text', name: 'scopes', array: true })
  scopes!: string[];

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** Set when the client is disabled: it gets no more tokens (tokens already issued expire on their own). */
  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}
