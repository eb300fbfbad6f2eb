import { authJwksRpc, type JwksDocument } from '@kasho/contracts';
import { RpcHandler } from '@kasho/messaging';
import { type KeySet, publicJwks } from '@kasho/security';
import { Inject, Injectable } from '@nestjs/common';
import { SIGNING_KEYSET } from './signing-keyset';

/** Answers `auth.keys.jwks` for the gateway: the public members of the current and previous keys, never `d`. */
@Injectable()
export class JwksHandler {
  constructor(@Inject(SIGNING_KEYSET) private readonly keyset: KeySet) {}

  @RpcHandler(authJwksRpc)
  jwks(): JwksDocument {
    return publicJwks(this.keyset);
  }
}
