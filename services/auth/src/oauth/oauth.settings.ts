/** How client-credentials access tokens are issued; from the service's config (`OAuthModule.forRoot`). */
export class ClientTokenSettings {
  constructor(
    readonly issuer: string,
    readonly audience: string,
    readonly ttlSeconds: number,
  ) {}
}
