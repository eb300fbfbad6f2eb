import { AuditLog } from '@kasho/audit';
import { type DynamicModule, Module } from '@nestjs/common';
import { ClientTokenHandler } from './client-token.handler';
import { ClientTokenService } from './client-token.service';
import { ClientTokenThrottle } from './client-token-throttle';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { OAuthClientsService } from './oauth-clients.service';
import { ClientTokenSettings } from './oauth.settings';

export interface OAuthModuleOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** OAuth 2.0 clients and the client credentials grant (`oauth.token`). */
@Module({})
export class OAuthModule {
  static forRoot(options: OAuthModuleOptions, keys: DynamicModule): DynamicModule {
    return {
      module: OAuthModule,
      imports: [keys],
      providers: [
        {
          provide: ClientTokenSettings,
          useValue: new ClientTokenSettings(options.issuer, options.audience, options.ttlSeconds),
        },
        { provide: AuditLog, useValue: new AuditLog() },
        OAuthClientsRepository,
        ClientTokenThrottle,
        ClientTokenService,
        OAuthClientsService,
        ClientTokenHandler,
      ],
    };
  }
}
