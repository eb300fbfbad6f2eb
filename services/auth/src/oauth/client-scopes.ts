import { CLIENT_SCOPES } from '@kasho/security';

// RFC 6749 3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * The scopes a token request asks for: `undefined` (or empty) means every scope the client holds. Returns
 * undefined when the parameter is malformed or asks for a scope the client does not hold (both `invalid_scope`).
 * Duplicates are dropped; the order asked for is kept.
 */
export function grantedScopes(requested: string | undefined, held: readonly string[]): string[] | undefined {
  if (requested === undefined || requested === '') return [...held];
  if (requested.length > 1024 || !SCOPE.test(requested)) return undefined;
  const asked = [...new Set(requested.split(' '))];
  return asked.every((scope) => held.includes(scope)) ? asked : undefined;
}

/** The scopes a new client may hold: at least one, each in `CLIENT_SCOPES`; returns what is wrong, if anything. */
export function clientScopesProblem(scopes: readonly string[]): string | undefined {
  if (scopes.length === 0) return 'a client needs at least one scope';
  const unknown = scopes.filter((scope) => !(CLIENT_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    return `not a client scope: ${unknown.join(', ')} (allowed: ${CLIENT_SCOPES.join(', ')})`;
  }
  return undefined;
}
