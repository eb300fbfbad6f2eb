/**
 * Headers by which proxies, meshes and API gateways commonly assert who the caller is. A client must never be
 * able to send them: the gateway learns identity only from a verified access token, and nothing downstream may
 * ever read these from the client.
 */
const IDENTITY_HEADER =
  /^(?:x-(?:user|users|client|consumer|principal|auth|authenticated|authenticated-user|identity|jwt|roles?|scopes?|session|tenant|admin|staff|impersonate)(?:-.*)?|x-forwarded-(?:user|email|groups|preferred-username|access-token|client-cert)|x-remote-(?:user|group|email)|remote-user|x-userinfo|x-amzn-oidc-.*|x-ms-client-principal.*|x-goog-authenticated-user-.*|x-kasho-.*)$/;

/** True for a (lower-case) header name that asserts identity and must be dropped from a client's request. */
export function isIdentityHeader(name: string): boolean {
  return IDENTITY_HEADER.test(name);
}

/** Deletes client-supplied identity headers in place; Node gives header names in lower case. */
export function stripIdentityHeaders(headers: Record<string, unknown>): void {
  for (const name of Object.keys(headers)) if (isIdentityHeader(name)) delete headers[name];
}
