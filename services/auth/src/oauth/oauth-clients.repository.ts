import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import { OAuthClientEntity } from './oauth-client.entity';

/** The only code that reads or writes `oauth_clients`; every method runs in the caller's transaction. */
@Injectable()
export class OAuthClientsRepository {
  findByClientId(manager: EntityManager, clientId: string): Promise<OAuthClientEntity | null> {
    return manager.findOneBy(OAuthClientEntity, { clientId });
  }

  async insert(manager: EntityManager, client: OAuthClientEntity): Promise<void> {
    await manager.insert(OAuthClientEntity, client);
  }

  /** Marks the client disabled; false when there is no such client or it was already disabled. */
  async disable(manager: EntityManager, clientId: string, at: Date): Promise<boolean> {
    const result = await manager.update(
      OAuthClientEntity,
      { clientId, disabledAt: IsNull() },
      { disabledAt: at },
    );
    return (result.affected ?? 0) > 0;
  }

  async touchLastUsed(manager: EntityManager, clientId: string, at: Date): Promise<void> {
    await manager.update(OAuthClientEntity, { clientId }, { lastUsedAt: at });
  }
}
