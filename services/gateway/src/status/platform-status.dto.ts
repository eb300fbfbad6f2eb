import { BACKEND_SERVICES, type PlatformStatus } from '@kasho/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const SERVICE_NAMES = ['gateway', ...BACKEND_SERVICES];

type ServiceEntry = PlatformStatus['services'][number];

/** OpenAPI description of `GET /v1/status`; the contract type in @kasho/contracts is the source of truth. */
export class ServiceStatusDto implements ServiceEntry {
  @ApiProperty({ enum: SERVICE_NAMES })
  name!: ServiceEntry['name'];

  @ApiProperty({ enum: ['up', 'down', 'degraded'] })
  status!: ServiceEntry['status'];

  @ApiProperty({ type: String, nullable: true, example: '0.1.0' })
  version!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'RPC round trip in milliseconds', example: 0.41 })
  roundTripMs!: number | null;

  @ApiPropertyOptional({
    description: 'Why the service is down: a stable error code',
    example: 'upstream_timeout',
  })
  error?: string;
}

export class PlatformStatusDto implements PlatformStatus {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: PlatformStatus['status'];

  @ApiProperty({ type: [ServiceStatusDto] })
  services!: ServiceStatusDto[];
}
