import { defineEvent } from './events';
import { defineRpc } from './rpc';

/**
 * The identity RPCs the gateway calls on the auth service, and the events the auth service publishes. Field
 * names follow the public API (`API.md`, Identity); the gateway validates shape, the auth service validates again
 * and owns every rule. Times are RFC 3339 UTC strings.
 */

/** Where a request came from, as the gateway saw it (the client address honours TRUST_PROXY only). */
export interface ClientContext {
  ip: string;
  userAgent?: string;
}

/** The caller of a self-service RPC, from its verified access token. */
export interface CallerContext {
  userId: string;
  sessionId: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
}

export interface RegisterRequest {
  email: string;
  password: string;
  fullName: string;
  client: ClientContext;
}
export interface RegisterResponse {
  userId: string;
}

export interface VerifyEmailRequest {
  token: string;
}

export interface LoginRequest {
  email: string;
  password: string;
  client: ClientContext;
}
export type LoginResponse = TokenPair | MfaChallenge;

export interface MfaVerifyRequest {
  mfaToken: string;
  code: string;
  client: ClientContext;
}

export interface RefreshRequest {
  refreshToken: string;
  client: ClientContext;
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  /** True for the session the caller's own token belongs to. */
  current: boolean;
}
export interface SessionList {
  data: SessionView[];
}

export interface RevokeSessionRequest extends CallerContext {
  targetSessionId: string;
}

export interface TotpSetupResponse {
  secret: string;
  otpauthUri: string;
}
export interface MfaCodeRequest extends CallerContext {
  code: string;
}
export interface TotpActivateResponse {
  recoveryCodes: string[];
}

export interface PasswordForgotRequest {
  email: string;
  client: ClientContext;
}
export interface PasswordResetRequest {
  token: string;
  newPassword: string;
}
export interface PasswordChangeRequest extends CallerContext {
  currentPassword: string;
  newPassword: string;
}

/** The OAuth 2.0 token request once the gateway has parsed the form and the Basic header (RFC 6749 4.4). */
export interface ClientTokenRequest {
  grantType: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated; absent means every scope the client is granted. */
  scope?: string;
  client: ClientContext;
}
export interface ClientTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface MeView {
  id: string;
  email: string;
  fullName: string;
  roles: string[];
  mfaEnabled: boolean;
  emailVerified: boolean;
  createdAt: string;
}

export interface AuditLogQuery {
  limit: number;
  cursor?: string;
}
/** One audit entry as the back office reads it; `hash` and `prevHash` are hex, so a reader can check links. */
export interface AuditLogEntryView {
  sequence: string;
  id: string;
  occurredAt: string;
  actorType: 'user' | 'client' | 'staff' | 'system';
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  requestId: string | null;
  correlationId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
export interface AuditLogPage {
  data: AuditLogEntryView[];
  nextCursor: string | null;
}

type Empty = Record<string, never>;

export const identityRpc = {
  register: defineRpc<RegisterRequest, RegisterResponse>('auth', 'identity.register'),
  verifyEmail: defineRpc<VerifyEmailRequest, Empty>('auth', 'identity.verify-email'),
  login: defineRpc<LoginRequest, LoginResponse>('auth', 'identity.login'),
  mfaVerify: defineRpc<MfaVerifyRequest, TokenPair>('auth', 'identity.mfa-verify'),
  refresh: defineRpc<RefreshRequest, TokenPair>('auth', 'identity.refresh'),
  logout: defineRpc<CallerContext, Empty>('auth', 'identity.logout'),
  listSessions: defineRpc<CallerContext, SessionList>('auth', 'identity.sessions.list'),
  revokeSession: defineRpc<RevokeSessionRequest, Empty>('auth', 'identity.sessions.revoke'),
  totpSetup: defineRpc<CallerContext, TotpSetupResponse>('auth', 'identity.mfa.totp-setup'),
  totpActivate: defineRpc<MfaCodeRequest, TotpActivateResponse>('auth', 'identity.mfa.totp-activate'),
  mfaDisable: defineRpc<MfaCodeRequest, Empty>('auth', 'identity.mfa.disable'),
  passwordForgot: defineRpc<PasswordForgotRequest, Empty>('auth', 'identity.password.forgot'),
  passwordReset: defineRpc<PasswordResetRequest, Empty>('auth', 'identity.password.reset'),
  passwordChange: defineRpc<PasswordChangeRequest, Empty>('auth', 'identity.password.change'),
  clientToken: defineRpc<ClientTokenRequest, ClientTokenResponse>('auth', 'oauth.token'),
  me: defineRpc<CallerContext, MeView>('auth', 'identity.me'),
  auditLog: defineRpc<AuditLogQuery, AuditLogPage>('auth', 'audit.list'),
} as const;

/** Every identity event names the user; those the notification service delivers carry what it needs to. */
export interface UserRegisteredPayload {
  userId: string;
  email: string;
  fullName: string;
  registeredAt: string;
}
/** `token` is the raw one-time token: only the notification service sees it, to put it in a link. */
export interface EmailVerificationRequestedPayload {
  userId: string;
  email: string;
  token: string;
  expiresAt: string;
}
export interface PasswordResetRequestedPayload {
  userId: string;
  email: string;
  token: string;
  expiresAt: string;
}
export interface NewDeviceLoginPayload {
  userId: string;
  email: string;
  sessionId: string;
  ip: string;
  userAgent: string | null;
  at: string;
}
export interface MfaChangedPayload {
  userId: string;
  email: string;
  enabled: boolean;
  at: string;
}
export interface PasswordChangedPayload {
  userId: string;
  email: string;
  /** `change` by the user, `reset` through an emailed token. */
  via: 'change' | 'reset';
  at: string;
}
/** Someone tried to register an email that already has an account: its owner is told, the caller is not. */
export interface ExistingAccountRegistrationPayload {
  userId: string;
  email: string;
  at: string;
}
/** Told to the owner of a locked account (API: a locked account answers like a wrong password). */
export interface AccountLockedPayload {
  userId: string;
  email: string;
  lockedUntil: string;
}

export const identityEvents = {
  userRegistered: defineEvent<UserRegisteredPayload>('auth.user.registered.v1'),
  emailVerificationRequested: defineEvent<EmailVerificationRequestedPayload>(
    'auth.email-verification.requested.v1',
  ),
  passwordResetRequested: defineEvent<PasswordResetRequestedPayload>('auth.password-reset.requested.v1'),
  newDeviceLogin: defineEvent<NewDeviceLoginPayload>('auth.login.new-device.v1'),
  mfaChanged: defineEvent<MfaChangedPayload>('auth.mfa.changed.v1'),
  passwordChanged: defineEvent<PasswordChangedPayload>('auth.password.changed.v1'),
  accountLocked: defineEvent<AccountLockedPayload>('auth.account.locked.v1'),
  existingAccountRegistration: defineEvent<ExistingAccountRegistrationPayload>(
    'auth.registration.existing-account.v1',
  ),
} as const;
