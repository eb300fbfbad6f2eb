/** DI token of the auth service's signing `KeySet` (private keys: inject it only where tokens are signed). */
export const SIGNING_KEYSET = Symbol('SIGNING_KEYSET');
