import { authJwksRpc, type JwksDocument } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Injectable } from '@nestjs/common';

/** How long the gateway answers `/.well-known/jwks.json` from its copy before asking the auth service again. */
export const JWKS_CACHE_MS = 60_000;

/**
 * The auth service's public keys for `/.well-known/jwks.json`, fetched over RPC and cached, so a burst of clients
 * costs one RPC. One fetch at a time; a failed refresh keeps serving the copy it has (keys change rarely).
 */
@Injectable()
export class JwksService {
  private cached: { document: JwksDocument; fetchedAt: number } | undefined;
  private inFlight: Promise<JwksDocument> | undefined;

  constructor(private readonly rpc: RpcClient) {}

  async document(): Promise<JwksDocument> {
    const cached = this.cached;
    if (cached && Date.now() - cached.fetchedAt < JWKS_CACHE_MS) return cached.document;
    try {
      return await this.fetch();
    } catch (error) {
      if (cached) return cached.document;
      throw error;
    }
  }

  private fetch(): Promise<JwksDocument> {
    this.inFlight ??= this.rpc
      .call(authJwksRpc, {})
      .then((document) => {
        this.cached = { document, fetchedAt: Date.now() };
        return document;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
