import { type CallerContext, identityRpc, type MeView } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequirePermission } from '../auth';
import { ApiJsonResponse } from '../openapi/zod-schemas';
import { meResponse } from './dto/me.dto';

@ApiTags('identity')
@Controller({ path: 'me', version: '1' })
export class MeController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RequirePermission(Permission.Self)
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiJsonResponse(200, 'The user', 'Me', meResponse)
  me(@Caller() caller: CallerContext): Promise<MeView> {
    return this.rpc.call(identityRpc.me, caller);
  }
}
