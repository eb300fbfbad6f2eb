import { type AuditLogPage, identityRpc } from '@kasho/contracts';
import { RpcClient } from '@kasho/messaging';
import { Permission } from '@kasho/security';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type z } from 'zod';
import { RequirePermission } from '../auth';
import { ApiJsonResponse, ApiProblems } from '../openapi/zod-schemas';
import { validQuery } from '../validation/zod-validation.pipe';
import { auditLogPageResponse, auditLogQuery } from './dto/audit-log-query.dto';

/** Back office: the append-only, tamper-evident audit trail (admin, from a session that passed MFA). */
@ApiTags('back office')
@Controller({ path: 'admin/audit-log', version: '1' })
export class AuditLogController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RequirePermission(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit entries, cursor paged (each carries its hash and the previous entry’s)' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', maxLength: 512 } })
  @ApiJsonResponse(200, 'A page of entries', 'AuditLogPage', auditLogPageResponse)
  @ApiProblems(422)
  list(@Query(validQuery(auditLogQuery)) query: z.output<typeof auditLogQuery>): Promise<AuditLogPage> {
    return this.rpc.call(identityRpc.auditLog, query);
  }
}
