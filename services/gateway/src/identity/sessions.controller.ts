import { type CallerContext, identityRpc, type SessionList } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, RequirePermission } from '../auth';
import { ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validParam } from '../validation/zod-validation.pipe';
import { sessionIdParam, sessionListResponse } from './dto/sessions.dto';

/** The caller's own sessions; the auth service answers another user's session 404 like an unknown one. */
@ApiTags('identity')
@Controller({ path: 'auth/sessions', version: '1' })
@RequirePermission(Permission.Self)
export class SessionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: "The caller's sessions, the current one marked" })
  @ApiJsonResponse(200, 'Sessions', 'SessionList', sessionListResponse)
  list(@Caller() caller: CallerContext): Promise<SessionList> {
    return this.rpc.call(identityRpc.listSessions, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of the caller’s sessions (its access tokens stop working at once)' })
  @ApiParam({ name: 'id', description: 'Session id' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(404)
  async revoke(
    @Caller() caller: CallerContext,
    @Param('id', validParam(sessionIdParam, 'No such session.')) id: string,
  ): Promise<void> {
    await this.rpc.call(identityRpc.revokeSession, { ...caller, targetSessionId: id });
  }
}
