import { type JwksDocument } from '@kasho/contracts';
import { Public } from '@kasho/observability';
import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwksService } from './jwks.service';

/** `/.well-known/jwks.json` (RFC 8615 well-known URI, so no `/v1` prefix): the keys that verify access tokens. */
@ApiTags('identity')
@Public()
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class JwksController {
  constructor(private readonly jwks: JwksService) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys (current and previous) that verify Kasho access tokens' })
  @ApiOkResponse({ description: 'A JSON Web Key Set (RFC 7517)' })
  get(): Promise<JwksDocument> {
    return this.jwks.document();
  }
}
