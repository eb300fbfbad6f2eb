export {
  algorithmForJwk,
  createKeySet,
  generateSigningKey,
  InvalidKeySetError,
  isSigningAlgorithm,
  KID_PATTERN,
  parseKeySet,
  publicJwks,
  rotateKeySet,
  serializeKeySet,
  SIGNING_ALGORITHMS,
} from './signing-keys';
export type {
  JsonWebKeySet,
  KeySet,
  PublicSigningJwk,
  RotateOptions,
  SigningAlgorithm,
  SigningKey,
} from './signing-keys';
export { ACCESS_TOKEN_TYP, DEFAULT_ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './access-token';
export type { AccessTokenClaims, AccessTokenSubject, SignAccessTokenOptions } from './access-token';
export { AccessTokenError, createAccessTokenVerifier } from './access-token-verifier';
export type {
  AccessTokenRejection,
  AccessTokenVerifier,
  AccessTokenVerifierOptions,
} from './access-token-verifier';
export {
  CLIENT_SCOPES,
  decideAccess,
  isBackOfficePermission,
  isRole,
  isStaff,
  Permission,
  permissionsOf,
  ROLE_PERMISSIONS,
  ROLES,
  STAFF_ROLES,
} from './permissions';
export type { AccessDecision, Role } from './permissions';
export { DEFAULT_SESSION_REVOCATION_KEY_PREFIX, SessionRevocations } from './session-revocations';
export type { RevocationStore } from './session-revocations';
// One-time passwords (RFC 4226 HOTP, RFC 6238 TOTP) and base32: the auth service's MFA, and clients in tests.
export * from './otp';
