import type { PlatformStatus } from '@kasho/contracts';
import { Public } from '@kasho/observability';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PlatformStatusDto, SERVICE_NAMES, ServiceStatusDto } from './platform-status.dto';
import { StatusService } from './status.service';

@ApiTags('status')
@Public()
@Controller({ path: 'status', version: '1' })
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @ApiOperation({
    summary: "Each backend service's name, version, status and round-trip time over RabbitMQ RPC",
  })
  @ApiOkResponse({ type: PlatformStatusDto })
  get(): Promise<PlatformStatus> {
    return this.status.platformStatus();
  }

  @Get(':service')
  @ApiOperation({ summary: 'One service: name, version, status and round-trip time' })
  @ApiParam({ name: 'service', enum: SERVICE_NAMES })
  @ApiOkResponse({ type: ServiceStatusDto })
  @ApiNotFoundResponse({ description: 'No such service (problem+json, code not_found)' })
  getOne(@Param('service') service: string): Promise<ServiceStatusDto> {
    return this.status.oneServiceStatus(service);
  }
}
